package arena.orchestrator;

import arena.shared.events.MatchEvent;
import arena.shared.events.RobotResponse;
import arena.shared.state.RobotTally;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcollections.ConsPStack;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

/**
 * How each robot, each persona type and each A/B arm performs, folded from the events the orchestrator consumes:
 * rounds played, answers and votes, answer latency, fallbacks, cost and the pass rate (the share of human votes in
 * its rounds that named it as human). Immutable: each fold returns a new value. A report delivered twice counts
 * once: each robot remembers what its latest rounds counted, and that memory is stored with it, so it holds across a
 * restart too.
 *
 * <p>The maps are persistent and the latest changes are journaled, so a fold and the question "what changed since"
 * cost a few lookups, not a copy or a scan of thousands of robots: the orchestrator asks it at every step.
 *
 * @param arms    per selection strategy, the work and rounds of the matches an experiment gave it
 * @param seq     the count of changes so far; each tally carries the one that last changed it
 * @param journal the keys changed by the latest changes, newest first: at least the latest {@link #JOURNALED}, at
 *                most twice as many
 * @param byAge   the robots kept, by when their tally last changed (stalest first): who goes past {@link #MAX_ROBOTS};
 *                null until that many are kept, so a smaller pool's steps never pay for it
 */
public record RobotStats(Map<String, RobotTally> robots, Map<String, RobotTally> personas,
    Map<String, RobotTally> arms, long seq, List<Changed> journal, PSortedSet<Age> byAge) {
  /** Robots kept; the one updated longest ago goes first (robots retired long ago). */
  static final int MAX_ROBOTS = 10_000;
  /**
   * Rounds remembered per robot, with what each counted, so a report delivered again is known. A robot sits in one
   * round at a time, and the pool itself knows a report again only among a robot's latest 8 works (4 rounds): twice
   * that reach. Not a high-water mark: a robot's reports of different matches come on different partitions (keyed by
   * match) and its rounds completed on another topic, so they may be read in any order, and read again after others.
   */
  static final int RECENT_ROUNDS = 8;
  static final String ROBOT = "robot:";
  static final String PERSONA = "persona:";
  static final String ARM = "arm:";
  /** Changes journaled: far more than one step makes. */
  static final int JOURNALED = 1024;

  /** One tally changed, under its key in {@code robot-stats}, at change {@code seq}. */
  public record Changed(long seq, String key) {}

  /** A robot kept, and the change that last changed its tally. */
  public record Age(long seq, String robotId) implements Comparable<Age> {
    @Override
    public int compareTo(Age other) {
      int bySeq = Long.compare(seq, other.seq);
      return bySeq != 0 ? bySeq : robotId.compareTo(other.robotId);
    }
  }

  /** The robots' ages found from their tallies (a look at each, once) if there are as many as are kept. */
  public RobotStats(Map<String, RobotTally> robots, Map<String, RobotTally> personas, Map<String, RobotTally> arms,
      long seq, List<Changed> journal) {
    this(robots, personas, arms, seq, journal, robots.size() < MAX_ROBOTS ? null : ages(robots));
  }

  private static PSortedSet<Age> ages(Map<String, RobotTally> robots) {
    return TreePSet.from(robots.entrySet().stream().map(e -> new Age(e.getValue().seq(), e.getKey())).toList());
  }

  public RobotStats {
    robots = persistent(robots);
    personas = persistent(personas);
    arms = persistent(arms);
    journal = journal instanceof ConsPStack<Changed> p ? p : ConsPStack.from(journal);
  }

  private static PMap<String, RobotTally> persistent(Map<String, RobotTally> map) {
    return map instanceof PMap<String, RobotTally> p ? p : HashTreePMap.from(map);
  }

  public static RobotStats empty() {
    return new RobotStats(Map.of(), Map.of(), Map.of(), 0, List.of());
  }

  /**
   * The stats as stored in {@code robot-stats}, by key ({@code robot:<id>}, {@code persona:<type>},
   * {@code arm:<strategy>}).
   */
  public static RobotStats restore(Map<String, RobotTally> stored) {
    Map<String, RobotTally> robots = new LinkedHashMap<>();
    Map<String, RobotTally> personas = new LinkedHashMap<>();
    Map<String, RobotTally> arms = new LinkedHashMap<>();
    long seq = 0;
    for (Map.Entry<String, RobotTally> e : stored.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(ROBOT)) {
        robots.put(key.substring(ROBOT.length()), e.getValue());
      } else if (key.startsWith(PERSONA)) {
        personas.put(key.substring(PERSONA.length()), e.getValue());
      } else if (key.startsWith(ARM)) {
        arms.put(key.substring(ARM.length()), e.getValue());
      } else {
        continue; // a key a newer orchestrator wrote: not ours to interpret
      }
      seq = Math.max(seq, e.getValue().seq());
    }
    return new RobotStats(robots, personas, arms, seq, List.of()).capped();
  }

  /** The tallies changed after {@code seq}, under their keys in {@code robot-stats}: what a step must write. */
  public Map<String, RobotTally> changedSince(long seq) {
    List<Changed> newer = new ArrayList<>();
    long oldest = Long.MAX_VALUE;
    for (Changed c : journal) {
      oldest = c.seq();
      if (oldest <= seq) {
        break;
      }
      newer.add(c);
    }
    if (oldest <= seq + 1) {
      Map<String, RobotTally> changed = new LinkedHashMap<>();
      for (int i = newer.size() - 1; i >= 0; i--) {
        String key = newer.get(i).key();
        RobotTally tally = tally(key);
        if (tally != null && tally.seq() > seq) {
          changed.putIfAbsent(key, tally);
        }
      }
      return changed;
    }
    if (seq >= this.seq) {
      return Map.of();
    }
    // Further back than the journal goes (or restored without one): every tally is looked at.
    Map<String, RobotTally> changed = new LinkedHashMap<>();
    robots.forEach((id, t) -> {
      if (t.seq() > seq) {
        changed.put(ROBOT + id, t);
      }
    });
    personas.forEach((type, t) -> {
      if (t.seq() > seq) {
        changed.put(PERSONA + type, t);
      }
    });
    arms.forEach((strategy, t) -> {
      if (t.seq() > seq) {
        changed.put(ARM + strategy, t);
      }
    });
    return changed;
  }

  private RobotTally tally(String key) {
    if (key.startsWith(ROBOT)) {
      return robots.get(key.substring(ROBOT.length()));
    }
    return key.startsWith(PERSONA) ? personas.get(key.substring(PERSONA.length()))
        : arms.get(key.substring(ARM.length()));
  }

  /** A seated robot in a completed round: who it is and the letter it sat behind. */
  public record Seat(String robotId, String type, String identity) {}

  /** {@link #work(RobotResponse.ResponseComplete, String, String)} outside any experiment. */
  public RobotStats work(RobotResponse.ResponseComplete done, String type) {
    return work(done, type, null);
  }

  /**
   * One finished piece of robot work ({@code robot.response_complete}) of a robot of persona {@code type} (null
   * when the pool no longer knows it: then only a robot already counted is), in a match of experiment arm
   * {@code arm} (null outside an experiment). Counted once per commandId/kind.
   */
  public RobotStats work(RobotResponse.ResponseComplete done, String type, String arm) {
    RobotTally robot = robots.get(done.robotId());
    Counted key = Counted.work(done);
    if (robot == null ? type == null : key.in(robot.counted())) {
      return this;
    }
    RobotTally before = robot != null ? robot : RobotTally.of(type);
    long at = seq + 1;
    RobotTally persona = personas.getOrDefault(before.type(), RobotTally.of(before.type()));
    RobotTally armTally = arm == null ? null : work(arms.getOrDefault(arm, RobotTally.of(arm)), done, null, at);
    return with(done.robotId(), work(before, done, key, at), work(persona, done, null, at), armTally, at);
  }

  /** {@link #round(MatchEvent.RoundCompleted, List, String)} outside any experiment. */
  public RobotStats round(MatchEvent.RoundCompleted completed, List<Seat> seated) {
    return round(completed, seated, null);
  }

  /**
   * A completed round with the robots that sat in it (as the pool had them before releasing them), in a match of
   * experiment arm {@code arm} (null outside an experiment). A human vote is one whose voter letter is no robot's; a
   * robot passes that vote when it names the robot's letter. Counted once per robot and matchId/round.
   */
  public RobotStats round(MatchEvent.RoundCompleted completed, List<Seat> seated, String arm) {
    Map<String, String> votes = completed.votes() == null ? Map.of() : completed.votes();
    List<String> robotLetters = seated.stream().map(Seat::identity).toList();
    List<String> humanVotes = votes.entrySet().stream().filter(v -> !robotLetters.contains(v.getKey()))
        .map(Map.Entry::getValue).toList();
    Counted key = Counted.round(completed);
    RobotStats next = this;
    for (Seat s : seated) {
      RobotTally robot = next.robots.getOrDefault(s.robotId(), RobotTally.of(s.type()));
      if (key.in(robot.counted())) {
        continue;
      }
      long passed = humanVotes.stream().filter(letter -> letter.equals(s.identity())).count();
      long at = next.seq + 1;
      RobotTally persona = next.personas.getOrDefault(robot.type(), RobotTally.of(robot.type()));
      RobotTally armTally = arm == null ? null
          : round(next.arms.getOrDefault(arm, RobotTally.of(arm)), humanVotes.size(), passed, null, at);
      next = next.with(s.robotId(), round(robot, humanVotes.size(), passed, key, at),
          round(persona, humanVotes.size(), passed, null, at), armTally, at);
    }
    return next;
  }

  private static RobotTally work(RobotTally t, RobotResponse.ResponseComplete done, Counted key, long at) {
    boolean answer = "response".equals(done.kind());
    boolean vote = "vote".equals(done.kind());
    long latency = answer ? done.latencyMs() : 0;
    return new RobotTally(t.type(), t.rounds(), t.answers() + (answer ? 1 : 0), t.votes() + (vote ? 1 : 0),
        t.latencySumMs() + latency, t.latencySquaresMs() + (double) latency * latency,
        answer ? t.latencies().with(done.latencyMs()) : t.latencies(),
        t.fallbacks() + (done.fallback() ? 1 : 0), t.costUsd() + done.costUsd(),
        t.costSquaresUsd() + done.costUsd() * done.costUsd(), t.humanVotes(), t.passedAsHuman(),
        key == null ? t.counted() : key.addedTo(t.counted()), at);
  }

  private static RobotTally round(RobotTally t, long humanVotesSeen, long passed, Counted key, long at) {
    return new RobotTally(t.type(), t.rounds() + 1, t.answers(), t.votes(), t.latencySumMs(), t.latencySquaresMs(),
        t.latencies(), t.fallbacks(), t.costUsd(), t.costSquaresUsd(), t.humanVotes() + humanVotesSeen,
        t.passedAsHuman() + passed, key == null ? t.counted() : key.addedTo(t.counted()), at);
  }

  /** These stats keeping at most {@link #MAX_ROBOTS} robots: the stalest go. */
  private RobotStats capped() {
    PMap<String, RobotTally> r = (PMap<String, RobotTally>) robots;
    PSortedSet<Age> ages = byAge;
    while (r.size() > MAX_ROBOTS) {
      Age stalest = ages.first();
      r = r.minus(stalest.robotId());
      ages = ages.minus(stalest);
    }
    return r == robots ? this : new RobotStats(r, personas, arms, seq, journal, ages);
  }

  private RobotStats with(String robotId, RobotTally robot, RobotTally persona, RobotTally arm, long at) {
    PMap<String, RobotTally> r = ((PMap<String, RobotTally>) robots).plus(robotId, robot);
    PSortedSet<Age> ages = byAge;
    if (ages != null) {
      RobotTally was = robots.get(robotId);
      ages = (was == null ? ages : ages.minus(new Age(was.seq(), robotId))).plus(new Age(at, robotId));
    } else if (r.size() >= MAX_ROBOTS) {
      ages = ages(r);
    }
    PMap<String, RobotTally> p = ((PMap<String, RobotTally>) personas).plus(persona.type(), persona);
    PMap<String, RobotTally> a = (PMap<String, RobotTally>) arms;
    ConsPStack<Changed> j = ((ConsPStack<Changed>) journal).plus(new Changed(at, ROBOT + robotId))
        .plus(new Changed(at, PERSONA + persona.type()));
    if (arm != null) {
      a = a.plus(arm.type(), arm);
      j = j.plus(new Changed(at, ARM + arm.type()));
    }
    if (j.size() > 2 * JOURNALED) {
      // The oldest changes dropped in one copy every so often, so a change costs a few entries pushed.
      j = j.subList(0, JOURNALED);
    }
    return new RobotStats(r, p, a, at, j, ages).capped();
  }

  /**
   * One report as a robot's memory of its latest rounds knows it: in the entry of its round ({@code matchId/round:}),
   * a letter for what it counted. A seat is given one command of each kind per round, whose id is made of the seat,
   * match, round and kind ({@link Orchestration#commandId}), so match, round and kind tell a report as well as the
   * command's id does, in a fraction of the bytes. Work of another kind, or without a match, has an entry of its own
   * as before ({@code work:commandId/kind}), as has every entry written before ({@code round:matchId/round} too).
   *
   * @param round the entry's {@code matchId/round:}, or the whole entry of its own
   * @param mark  the letter in the round's entry; 0 for an entry of its own
   * @param was   the entry written before for the same report
   */
  record Counted(String round, char mark, String was) {
    private static final String MARKS = "avr";

    static Counted work(RobotResponse.ResponseComplete done) {
      String was = "work:" + done.commandId() + "/" + done.kind();
      char mark = "response".equals(done.kind()) ? 'a' : "vote".equals(done.kind()) ? 'v' : 0;
      return done.matchId() == null || mark == 0 ? new Counted(was, (char) 0, was)
          : new Counted(done.matchId() + "/" + done.round() + ":", mark, was);
    }

    static Counted round(MatchEvent.RoundCompleted completed) {
      return new Counted(completed.matchId() + "/" + completed.round() + ":", 'r',
          "round:" + completed.matchId() + "/" + completed.round());
    }

    /** Whether {@code counted} has counted this report. */
    boolean in(List<String> counted) {
      for (String entry : counted) {
        boolean marked = mark != 0 && ofRound(entry) && entry.indexOf(mark, round.length()) >= 0;
        if (marked || entry.equals(was)) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether {@code entry} is this round's: its name, then letters only. No other round's entry is (its last ':'
     * and the last '/' before it split an entry one way only), nor one of its own (a kind is a word, so
     * {@code work:…/kind} has a '/' after its last ':').
     */
    private boolean ofRound(String entry) {
      if (entry.length() <= round.length() || !entry.startsWith(round)) {
        return false;
      }
      for (int i = round.length(); i < entry.length(); i++) {
        if (MARKS.indexOf(entry.charAt(i)) < 0) {
          return false;
        }
      }
      return true;
    }

    /** {@code counted} with this report: its round's entry, newest last, the latest {@link #RECENT_ROUNDS} kept. */
    List<String> addedTo(List<String> counted) {
      List<String> out = new ArrayList<>(counted.size() + 1);
      String entry = mark == 0 ? round : round + mark;
      for (String e : counted) {
        if (mark != 0 && ofRound(e)) {
          entry = e + mark; // the round's entry moves to the newest place
        } else {
          out.add(e);
        }
      }
      out.add(entry);
      return List.copyOf(out.subList(Math.max(0, out.size() - RECENT_ROUNDS), out.size()));
    }
  }
}
