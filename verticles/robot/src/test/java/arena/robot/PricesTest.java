package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PricesTest {

  @Test
  void the_packaged_table_prices_the_default_models() {
    // Given
    Prices prices = Prices.load();

    // When / Then: 1M input tokens of gpt-4o-mini cost 0.15 USD, 1M output tokens 0.60 USD
    assertThat(prices.costUsd("gpt-4o-mini", 1_000_000, 0)).isCloseTo(0.15, within(1e-9));
    assertThat(prices.costUsd("gpt-4o-mini", 0, 1_000_000)).isCloseTo(0.60, within(1e-9));
    for (String model : new String[] {"gpt-4o", "gpt-4.1-mini", "claude-3-5-haiku-latest", "claude-sonnet-4"}) {
      assertThat(prices.priceOf(model)).as(model).isNotNull();
    }
  }

  @Test
  void a_dated_model_uses_the_longest_listed_prefix_and_an_unknown_model_costs_nothing() {
    // Given
    Prices prices = Prices.parse("{\"models\":{\"gpt-4o\":{\"input\":2.5,\"output\":10},"
        + "\"gpt-4o-mini\":{\"input\":0.15,\"output\":0.6}}}");

    // When / Then
    assertThat(prices.costUsd("gpt-4o-mini-2024-07-18", 2000, 1000)).isCloseTo((2000 * 0.15 + 1000 * 0.6) / 1e6,
        within(1e-12));
    assertThat(prices.costUsd("gpt-4o-2024-08-06", 1000, 0)).isCloseTo(0.0025, within(1e-12));
    assertThat(prices.costUsd("llama3.2", 5000, 5000)).isZero();
    assertThat(prices.costUsd(null, 5000, 5000)).isZero();
  }
}
