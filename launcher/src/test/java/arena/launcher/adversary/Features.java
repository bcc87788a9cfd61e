package arena.launcher.adversary;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * What an onlooker can pin on one letter of one round without reading the words, from every view observed before
 * the reveal. Generic on purpose: any field of a view, at any depth, that lists letters (an array of them, or an
 * object keyed by them) is a per-letter signal, and for each such field and letter this measures when the letter
 * first showed there (from the start of the phase it showed in) and how long before that phase ended, how far the
 * version moved in that view, how many views changed nothing visible just before, how many views came since the
 * phase started, its rank in time and its position in the list, and whether it showed at all; per source (public
 * channel, a player's channel, the poller) and over all of them. A field that lists no letters (a count) gives
 * nothing. And the letter itself, since letters are dealt afresh every round.
 *
 * <p>Never used: the words themselves (an object keyed by letters counts only by its keys, never its values),
 * {@code votesReceived} (other players' votes, which judge the words), {@code participants} (every letter, by
 * design) and the {@code you…} fields of a player's own view (they only tell a player which letter is theirs).
 */
public final class Features {
  /** The value of a feature that could not be measured for a row (a letter that never showed in the field). */
  public static final double MISSING = -1;
  private static final String ALL_LETTERS = "participants";
  private static final Set<String> WORD_DERIVED = Set.of("votesReceived");
  private static final Set<String> NOT_A_CHANGE = Set.of("version", "secondsLeft");

  private Features() {}

  private record Seen(String path, int round, String letter) {}

  /** One new view in the merged timeline; {@code index} is its place in its own source's timeline. */
  private record Step(Observation observation, String phase, String visible, long version, int index) {}

  /**
   * The rows of one match: one per letter per round, labelled from the reveal in {@code completed} (the
   * match's COMPLETED view). Observations from the reveal on are ignored.
   */
  public static List<Row> extract(String matchId, List<Observation> observations, JsonObject completed) {
    List<Observation> before = new ArrayList<>(observations);
    before.sort(Comparator.comparingLong(Observation::nanos));
    int reveal = 0;
    while (reveal < before.size() && !"COMPLETED".equals(before.get(reveal).view().getString("status"))) {
      reveal++;
    }
    before = before.subList(0, reveal);

    Map<Integer, Set<String>> letters = new HashMap<>();
    for (Observation o : before) {
      JsonArray all = o.view().getJsonArray(ALL_LETTERS);
      if (all != null && o.view().getInteger("round", 0) > 0) {
        all.forEach(l -> letters.computeIfAbsent(o.view().getInteger("round"), r -> new TreeSet<>()).add((String) l));
      }
    }

    // One timeline of everything, and one per source; a view repeated as it was on one source is not new.
    List<Step> merged = new ArrayList<>();
    Map<String, List<Step>> bySource = new HashMap<>();
    Map<String, String> lastOf = new HashMap<>();
    for (Observation o : before) {
      JsonObject seen = strip(o.view());
      NOT_A_CHANGE.forEach(seen::remove);
      String visible = seen.encode();
      String whole = visible + "@" + o.view().getValue("version");
      if (whole.equals(lastOf.put(o.source(), whole))) {
        continue;
      }
      List<Step> own = bySource.computeIfAbsent(o.source(), s -> new ArrayList<>());
      Step step = new Step(o, o.view().getInteger("round", 0) + "/" + o.view().getString("phase"), visible,
          o.view().getLong("version", 0L), own.size());
      merged.add(step);
      own.add(step);
    }

    // A phase starts when anyone first sees it, and ends when the next one starts.
    Map<String, Long> starts = new LinkedHashMap<>();
    merged.forEach(s -> starts.putIfAbsent(s.phase(), s.observation().nanos()));
    Map<String, Long> ends = new HashMap<>();
    List<String> phases = List.copyOf(starts.keySet());
    for (int i = 0; i + 1 < phases.size(); i++) {
      ends.put(phases.get(i), starts.get(phases.get(i + 1)));
    }

    Map<Seen, Step> first = new LinkedHashMap<>();
    Map<Seen, Integer> position = new HashMap<>();
    Map<String, Map<Seen, Integer>> firstIn = new HashMap<>();
    for (Step step : merged) {
      walk(strip(step.observation().view()), "", step.observation().view().getInteger("round", 0), letters, (s, at) -> {
        if (first.putIfAbsent(s, step) == null) {
          position.put(s, at);
        }
        firstIn.computeIfAbsent(step.observation().source(), x -> new HashMap<>()).putIfAbsent(s, step.index());
      });
    }
    Set<String> paths = new TreeSet<>();
    first.keySet().forEach(s -> paths.add(s.path()));

    List<Row> rows = new ArrayList<>();
    JsonArray revealed = completed.getJsonArray("reveal", new JsonArray());
    for (Map.Entry<Integer, Set<String>> round : new TreeMap<>(letters).entrySet()) {
      for (String letter : round.getValue()) {
        Boolean human = humanAt(revealed, round.getKey(), letter);
        if (human == null) {
          continue;
        }
        Map<String, Double> features = new TreeMap<>();
        // Letters are dealt afresh each round: which one a seat gets must say nothing either.
        features.put("letter", (double) List.copyOf(round.getValue()).indexOf(letter));
        for (String path : paths) {
          Seen key = new Seen(path, round.getKey(), letter);
          Step step = first.get(key);
          features.put(path + ".seen", step == null ? 0.0 : 1.0);
          if (step == null) {
            continue;
          }
          long at = step.observation().nanos();
          features.put(path + ".ms", ms(at - starts.get(step.phase())));
          features.put(path + ".position", (double) position.get(key));
          Long end = ends.get(step.phase());
          features.put(path + ".msToPhaseEnd", end == null ? MISSING : ms(end - at));
          features.put(path + ".rank", (double) first.entrySet().stream()
              .filter(e -> e.getKey().path().equals(path) && e.getKey().round() == round.getKey()
                  && e.getValue().observation().nanos() < at)
              .count());
          for (String source : Observation.SOURCES) {
            Integer index = firstIn.getOrDefault(source, Map.of()).get(key);
            if (index != null) {
              bySourceFeatures(path + "." + source, bySource.get(source), index, starts, features);
            }
          }
        }
        rows.add(new Row(matchId, round.getKey(), letter, human, features));
      }
    }
    return rows;
  }

  private static void bySourceFeatures(String prefix, List<Step> timeline, int index, Map<String, Long> starts,
      Map<String, Double> features) {
    Step step = timeline.get(index);
    long start = starts.get(step.phase());
    features.put(prefix + ".ms", ms(step.observation().nanos() - start));
    features.put(prefix + ".versionStep",
        index == 0 ? MISSING : (double) (step.version() - timeline.get(index - 1).version()));
    int quiet = 0;
    for (int j = index - 1; j >= 1 && timeline.get(j).visible().equals(timeline.get(j - 1).visible()); j--) {
      quiet++;
    }
    features.put(prefix + ".quietBefore", (double) quiet);
    int since = 0;
    for (int j = index - 1; j >= 0 && timeline.get(j).observation().nanos() >= start; j--) {
      since++;
    }
    features.put(prefix + ".sincePhaseStart", (double) since);
  }

  /** Whether the reveal says {@code letter} was a human in {@code round}; null when it does not say. */
  private static Boolean humanAt(JsonArray reveal, int round, String letter) {
    for (Object o : reveal) {
      JsonObject who = (JsonObject) o;
      JsonArray letters = who.getJsonArray("letters", new JsonArray());
      if (round - 1 < letters.size() && letter.equals(letters.getValue(round - 1))) {
        return who.getBoolean("human");
      }
    }
    return null;
  }

  /**
   * Calls {@code seen} for every letter that {@code node} lists in a field, with the field's path and round, and
   * where in the list it stands (a list in the order letters came in would tell that order).
   */
  private static void walk(Object node, String path, int round, Map<Integer, Set<String>> letters,
      BiConsumer<Seen, Integer> seen) {
    if (node instanceof JsonObject o) {
      int here = o.getValue("round") instanceof Number n ? n.intValue() : round;
      Set<String> known = letters.getOrDefault(here, Set.of());
      if (!path.isEmpty() && !o.isEmpty() && known.containsAll(o.fieldNames())) {
        int at = 0;
        for (String l : o.fieldNames()) {
          seen.accept(new Seen(path, here, l), at++); // keys only: the values may be the words
        }
        return;
      }
      for (String k : o.fieldNames()) {
        if (!k.equals(ALL_LETTERS) && !WORD_DERIVED.contains(k)) {
          walk(o.getValue(k), path.isEmpty() ? k : path + "." + k, here, letters, seen);
        }
      }
    } else if (node instanceof JsonArray a) {
      Set<String> known = letters.getOrDefault(round, Set.of());
      if (!a.isEmpty() && a.stream().allMatch(e -> e instanceof String l && known.contains(l))) {
        for (int at = 0; at < a.size(); at++) {
          seen.accept(new Seen(path, round, a.getString(at)), at);
        }
      } else {
        a.forEach(e -> walk(e, path, round, letters, seen));
      }
    }
  }

  /** A copy without the {@code you…} fields: they only tell a player which letter is theirs. */
  static JsonObject strip(JsonObject view) {
    JsonObject out = new JsonObject();
    view.forEach(e -> {
      if (!e.getKey().startsWith("you")) {
        out.put(e.getKey(), stripAny(e.getValue()));
      }
    });
    return out;
  }

  private static Object stripAny(Object v) {
    if (v instanceof JsonObject o) {
      return strip(o);
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(e -> out.add(stripAny(e)));
      return out;
    }
    return v;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
