package arena.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PromptDeckTest {

  @Test
  void theShippedDeckHasPlentyOfDistinctPrompts() {
    // Given the deck file as shipped
    PromptDeck deck = PromptDeck.fromClasspath();

    // Then it is big, every prompt is a real one-liner, and none repeats (even in case)
    assertThat(deck.size()).isGreaterThanOrEqualTo(70);
    Set<String> lowered = new HashSet<>();
    for (String prompt : deck.prompts()) {
      assertThat(prompt).isNotBlank().doesNotStartWith("#").hasSizeLessThan(200);
      assertThat(lowered.add(prompt.toLowerCase())).as("duplicate prompt: %s", prompt).isTrue();
    }
  }

  @Test
  void blankLinesCommentsAndRepeatsAreDropped() {
    // Given a file with comments, blanks and a repeated prompt
    PromptDeck deck = PromptDeck.parse("# a comment\n\nFirst?\n  Second?  \nFirst?\n");

    // Then only the two prompts remain, trimmed
    assertThat(deck.prompts()).containsExactly("First?", "Second?");
  }

  @Test
  void aMatchNeverGetsAPromptTwiceUntilTheDeckRunsOut() {
    // Given a deck of five
    PromptDeck deck = PromptDeck.of(List.of("a", "b", "c", "d", "e"));
    SplittableRandom random = new SplittableRandom(1);
    List<Integer> used = new ArrayList<>();

    // When five prompts are picked
    for (int i = 0; i < 5; i++) {
      used.add(deck.pick(used, random));
    }

    // Then all five were used once, and a sixth pick still works
    assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(deck.pick(used, random)).isBetween(0, 4);
  }
}
