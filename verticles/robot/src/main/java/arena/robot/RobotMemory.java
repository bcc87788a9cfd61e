package arena.robot;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What each robot remembers of each match: the prompts it answered and what it said, so its persona stays
 * consistent across rounds. Bounded per match and in total; forgotten when the match completes, and matches
 * left alone for a while are forgotten too (in case that word never came, e.g. after an orchestrator restart).
 * Used from one event loop only.
 */
public final class RobotMemory {

  /** One answered round. */
  public record Entry(int round, String prompt, String answer) {}

  private record Key(String robotId, String matchId) {}

  private static final class Slot {
    final List<Entry> entries = new ArrayList<>();
    long touchedAt;
  }

  private final int perMatch;
  private final int maxMatches;
  private final long idleMs;
  private final LongSupplier clock;
  // Access order: the eldest entry is the least recently touched.
  private final LinkedHashMap<Key, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);

  public RobotMemory(int perMatch, int maxMatches, long idleMs, LongSupplier clock) {
    this.perMatch = perMatch;
    this.maxMatches = maxMatches;
    this.idleMs = idleMs;
    this.clock = clock;
  }

  /** Ten answers per match, ten thousand robot-matches, forgotten after an hour untouched. */
  public static RobotMemory standard() {
    return new RobotMemory(10, 10_000, 3_600_000L, System::currentTimeMillis);
  }

  public List<Entry> recall(String robotId, String matchId) {
    evictIdle();
    Slot slot = slots.get(new Key(robotId, matchId));
    if (slot == null) {
      return List.of();
    }
    slot.touchedAt = clock.getAsLong();
    return List.copyOf(slot.entries);
  }

  /** Remembers an answer; a second answer for the same round replaces the first. */
  public void remember(String robotId, String matchId, Entry entry) {
    evictIdle();
    Slot slot = slots.computeIfAbsent(new Key(robotId, matchId), k -> new Slot());
    slot.touchedAt = clock.getAsLong();
    slot.entries.removeIf(e -> e.round() == entry.round());
    slot.entries.add(entry);
    while (slot.entries.size() > perMatch) {
      slot.entries.remove(0);
    }
    while (slots.size() > maxMatches) {
      Iterator<Map.Entry<Key, Slot>> eldest = slots.entrySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Drops what {@code robotId} remembers of {@code matchId}, once the match is over. */
  public void forget(String robotId, String matchId) {
    slots.remove(new Key(robotId, matchId));
  }

  public int size() {
    return slots.size();
  }

  private void evictIdle() {
    long cutoff = clock.getAsLong() - idleMs;
    // Iteration order is least recently touched first, so stop at the first fresh slot.
    Iterator<Map.Entry<Key, Slot>> it = slots.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().touchedAt >= cutoff) {
        break;
      }
      it.remove();
    }
  }
}
