package arena.match;

import arena.shared.game.MatchRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** The anonymous letters participants hide behind, dealt afresh every round. */
public final class Letters {
  public static final int MAX = MatchRules.MAX_SEATS;

  private Letters() {}

  /** A, B, C, ... : the first {@code count} letters in order. */
  public static List<String> first(int count) {
    if (count < 0 || count > MAX) {
      throw new IllegalArgumentException("cannot seat " + count + " participants behind letters");
    }
    List<String> letters = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      letters.add(String.valueOf((char) ('A' + i)));
    }
    return letters;
  }

  /** The first {@code count} letters in a random order (Fisher-Yates). */
  public static List<String> shuffled(int count, RandomGenerator random) {
    List<String> letters = first(count);
    for (int i = letters.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String swap = letters.get(i);
      letters.set(i, letters.get(j));
      letters.set(j, swap);
    }
    return letters;
  }

  /** Every participant gets a distinct letter from A on, in a random order. */
  public static Map<String, String> deal(List<String> participants, RandomGenerator random) {
    List<String> letters = shuffled(participants.size(), random);
    Map<String, String> dealt = new LinkedHashMap<>();
    for (int i = 0; i < participants.size(); i++) {
      dealt.put(participants.get(i), letters.get(i));
    }
    return dealt;
  }
}
