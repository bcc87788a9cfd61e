package arena.robot;

import arena.shared.config.ArenaConfig;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Estimated USD per million tokens, per model, from {@code conf/prices.json}. */
public final class Prices {
  private static final Logger log = LoggerFactory.getLogger(Prices.class);
  public static final String RESOURCE = "conf/prices.json";

  /** USD per 1M input and output tokens. */
  public record Price(double input, double output) {}

  private final Map<String, Price> byModel;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private Prices(Map<String, Price> byModel) {
    this.byModel = Map.copyOf(byModel);
  }

  public static Prices load() {
    return parse(ArenaConfig.resource(RESOURCE));
  }

  public static Prices parse(String json) {
    Map<String, Price> prices = new TreeMap<>();
    JsonObject models = new JsonObject(json).getJsonObject("models", new JsonObject());
    for (String model : models.fieldNames()) {
      JsonObject p = models.getJsonObject(model);
      prices.put(model, new Price(p.getDouble("input", 0.0), p.getDouble("output", 0.0)));
    }
    return new Prices(prices);
  }

  /** What the tokens cost; an unlisted model costs 0 and is warned about once. */
  public double costUsd(String model, int inputTokens, int outputTokens) {
    Price p = priceOf(model);
    if (p == null) {
      if (warned.add(String.valueOf(model))) {
        log.warn("no price for model '{}' in {}: its tokens are counted at 0 USD", model, RESOURCE);
      }
      return 0;
    }
    return (inputTokens * p.input() + outputTokens * p.output()) / 1_000_000.0;
  }

  /** The model's own price, else the longest listed name it starts with (dated snapshots). */
  Price priceOf(String model) {
    if (model == null) {
      return null;
    }
    Price exact = byModel.get(model);
    if (exact != null) {
      return exact;
    }
    return byModel.keySet().stream().filter(model::startsWith).max(Comparator.comparingInt(String::length))
        .map(byModel::get).orElse(null);
  }
}
