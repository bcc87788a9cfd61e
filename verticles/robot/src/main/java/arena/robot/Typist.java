package arena.robot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Types a composed answer the way its persona does: lowercase or capitalised (now and then skipping the shift key),
 * with an emoji and typos at the persona's rates.
 */
final class Typist {
  private static final String[] KEY_ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

  private final RandomGenerator random;

  Typist(RandomGenerator random) {
    this.random = random;
  }

  /** {@code text} as {@code persona} would type it. */
  String type(String text, Persona persona) {
    Persona.Style style = persona.style();
    boolean casual = style.lowercase();
    String typed = text.replaceAll("\\s+", " ").trim();
    // Lowercase writers stay lowercase; the others now and then skip the shift key, as sloppily as they typo.
    typed = casual || Dice.chance(random, style.typoRate() / 2) ? typed.toLowerCase(Locale.ROOT) : capitalize(typed);
    if (casual && typed.endsWith(".") && !typed.endsWith("..") && Dice.chance(random, 0.6)) {
      typed = typed.substring(0, typed.length() - 1);
    }
    if (Dice.chance(random, style.emojiRate())) {
      String emoji = Dice.pick(random, persona.phrases().emojis()).orElse("");
      if (!emoji.isEmpty()) {
        typed = typed + " " + emoji;
      }
    }
    if (Dice.chance(random, style.typoRate())) {
      typed = typo(typed);
      if (Dice.chance(random, style.typoRate() / 2)) {
        typed = typo(typed);
      }
    }
    return typed;
  }

  private static String capitalize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean start = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (start && Character.isLetter(c)) {
        out.append(Character.toUpperCase(c));
        start = false;
      } else {
        out.append(c);
        if (c == '.' || c == '!' || c == '?') {
          // "..." trails off rather than ending a sentence
          start = !(i + 1 < text.length() && text.charAt(i + 1) == '.') && !(i > 0 && text.charAt(i - 1) == '.');
        } else if (!Character.isWhitespace(c)) {
          start = false;
        }
      }
    }
    return out.toString();
  }

  /**
   * One human-looking slip inside a longer word, never on its first letter: two letters swapped, a key's
   * neighbour hit instead, a letter dropped or one doubled.
   */
  private String typo(String text) {
    List<int[]> words = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && Character.isLetter(text.charAt(i))) {
        i++;
      }
      if (i - start >= 4) {
        words.add(new int[] {start, i});
      }
      i = Math.max(i, start + 1);
    }
    if (words.isEmpty()) {
      return text;
    }
    int[] w = words.get(random.nextInt(words.size()));
    int at = w[0] + 1 + random.nextInt(w[1] - w[0] - 2);
    StringBuilder sb = new StringBuilder(text);
    char c = sb.charAt(at);
    char next = sb.charAt(at + 1);
    switch (random.nextInt(4)) {
      case 0 -> {
        if (c == next) {
          sb.insert(at, c);
        } else {
          sb.setCharAt(at, next);
          sb.setCharAt(at + 1, c);
        }
      }
      case 1 -> {
        char near = neighbourKey(c);
        if (near == c) {
          sb.deleteCharAt(at);
        } else {
          sb.setCharAt(at, near);
        }
      }
      case 2 -> sb.deleteCharAt(at);
      default -> sb.insert(at, c);
    }
    return sb.toString();
  }

  /** A letter beside {@code c} on a QWERTY keyboard, in the same case; {@code c} itself when it has none. */
  private char neighbourKey(char c) {
    char lower = Character.toLowerCase(c);
    for (String row : KEY_ROWS) {
      int at = row.indexOf(lower);
      if (at >= 0) {
        int side = at == 0 ? 1 : at == row.length() - 1 ? -1 : random.nextBoolean() ? 1 : -1;
        char near = row.charAt(at + side);
        return Character.isUpperCase(c) ? Character.toUpperCase(near) : near;
      }
    }
    return c;
  }
}
