package arena.shared.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void collapsesEveryKindOfWhitespaceToOneLine() {
    assertEquals("a b c d e", Text.normalize("  a\nb\t\tc  d\u00a0\u2028e \r\n"));
  }

  @Test
  void removesZeroWidthBidiControlAndPrivateUseCharacters() {
    assertEquals("hello world", Text.normalize("he\u200bllo\u200d \u202ewor\u2066ld\u0007\ue000\ufeff"));
  }

  @Test
  void composesToNfc() {
    assertEquals("caf\u00e9", Text.normalize("cafe\u0301"));
  }

  @Test
  void keepsEmojiAndOtherScripts() {
    assertEquals("ok \uD83D\uDE00 \u65e5\u672c \u0645\u0631\u062d\u0628\u0627", Text.normalize("ok \uD83D\uDE00 \u65e5\u672c \u0645\u0631\u062d\u0628\u0627"));
  }

  @Test
  void countsCodePointsAndCutsWithoutSplittingOne() {
    String emoji = "\uD83D\uDE00";
    assertEquals(3, Text.length("a" + emoji + "b"));
    assertEquals("a" + emoji, Text.cut("a" + emoji + "b", 2));
    assertEquals("ab", Text.cut("ab c", 3));
  }

  @Test
  void namesTheProblemOfATextOutsideItsLimits() {
    assertEquals("text must be 1 to 5 characters long", Text.problem("text", "", 5));
    assertEquals("text must be 1 to 5 characters long", Text.problem("text", "abcdef", 5));
    assertNull(Text.problem("text", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", 5));
    assertEquals("", Text.normalize("\u200b \n\t"));
  }
}
