package arena.shared.game;

import java.text.Normalizer;

/**
 * The one way player text is cleaned and measured, for humans and robots alike, in the gateway and the Match
 * Service: a newline, a tab, a run of spaces, a zero-width or bidi character would otherwise tell a human's
 * answer from a robot's (and let friends mark themselves). Lengths are counted in code points everywhere.
 */
public final class Text {
  private Text() {}

  /**
   * Unicode NFC; control, format (zero-width, bidi), private-use, unassigned and lone surrogate characters
   * removed; every run of whitespace collapsed to one space; one line, trimmed.
   */
  public static String normalize(String raw) {
    if (raw == null) {
      return "";
    }
    String nfc = Normalizer.normalize(raw, Normalizer.Form.NFC);
    StringBuilder out = new StringBuilder(nfc.length());
    boolean gap = false;
    for (int i = 0; i < nfc.length(); ) {
      int cp = nfc.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        gap = true;
      } else if (!hidden(cp)) {
        if (gap && !out.isEmpty()) {
          out.append(' ');
        }
        gap = false;
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  private static boolean hidden(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED ->
          true;
      default -> false;
    };
  }

  /** The length of {@code text} in code points. */
  public static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /** At most {@code max} code points of {@code text}, never splitting one, without trailing space. */
  public static String cut(String text, int max) {
    if (length(text) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max)).strip();
  }

  /**
   * Why normalized {@code text} cannot be a {@code field} of 1 to {@code max} code points, or null when it can.
   */
  public static String problem(String field, String text, int max) {
    int length = length(text);
    return length < 1 || length > max ? field + " must be 1 to " + max + " characters long" : null;
  }
}
