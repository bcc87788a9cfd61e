package arena.orchestrator;

import arena.shared.events.MatchEvent;
import arena.shared.events.RobotResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How each robot and each persona type performs, folded from the events the orchestrator consumes: rounds played,
 * answers and votes, answer latency, fallbacks, cost and the pass rate (the share of human votes in its rounds that
 * named it as human). Immutable: each fold returns a new value. A report delivered twice counts once: each robot
 * remembers the latest work and rounds it counted.
 */
public record RobotStats(Map<String, Tally> robots, Map<String, Tally> personas, long seq) {
  /** Robots kept; the one updated longest ago goes first (robots retired long ago). */
  static final int MAX_ROBOTS = 10_000;
  /** Answer latencies kept per robot or persona for the p90. */
  static final int LATENCY_WINDOW = 500;
  /** Work and rounds remembered per robot, so a report delivered again is known (a robot serves one at a time). */
  static final int RECENT = 64;

  public RobotStats {
    robots = Map.copyOf(robots);
    personas = Map.copyOf(personas);
  }

  public static RobotStats empty() {
    return new RobotStats(Map.of(), Map.of(), 0);
  }

  /**
   * One robot's or persona's counts.
   *
   * @param latencies the latest answer latencies (ms), for the p90; the mean is over all answers
   * @param counted   the robot's latest counted work (commandId/kind) and rounds (matchId/round); empty for personas
   */
  public record Tally(String type, long rounds, long answers, long votes, long latencySumMs, List<Long> latencies,
      long fallbacks, double costUsd, long humanVotes, long passedAsHuman, List<String> counted, long seq) {
    public Tally {
      latencies = List.copyOf(latencies);
      counted = List.copyOf(counted);
    }

    static Tally of(String type) {
      return new Tally(type, 0, 0, 0, 0, List.of(), 0, 0, 0, 0, List.of(), 0);
    }

    /** Mean answer latency in ms; 0 before the first answer. */
    public double meanLatencyMs() {
      return answers == 0 ? 0 : (double) latencySumMs / answers;
    }

    /** The 90th percentile (nearest rank) of the latest answer latencies; 0 before the first answer. */
    public long p90LatencyMs() {
      if (latencies.isEmpty()) {
        return 0;
      }
      List<Long> sorted = latencies.stream().sorted().toList();
      return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
    }

    /** passedAsHuman / humanVotes; null while no human has voted in its rounds. */
    public Double passRate() {
      return humanVotes == 0 ? null : (double) passedAsHuman / humanVotes;
    }

    private Tally work(RobotResponse.ResponseComplete done, String key, long at) {
      boolean answer = "response".equals(done.kind());
      boolean vote = "vote".equals(done.kind());
      return new Tally(type, rounds, answers + (answer ? 1 : 0), votes + (vote ? 1 : 0),
          latencySumMs + (answer ? done.latencyMs() : 0),
          answer ? latest(latencies, done.latencyMs(), LATENCY_WINDOW) : latencies,
          fallbacks + (done.fallback() ? 1 : 0), costUsd + done.costUsd(), humanVotes, passedAsHuman,
          key == null ? counted : latest(counted, key, RECENT), at);
    }

    private Tally round(long humanVotesSeen, long passed, String key, long at) {
      return new Tally(type, rounds + 1, answers, votes, latencySumMs, latencies, fallbacks, costUsd,
          humanVotes + humanVotesSeen, passedAsHuman + passed, key == null ? counted : latest(counted, key, RECENT),
          at);
    }
  }

  /** A seated robot in a completed round: who it is and the letter it sat behind. */
  public record Seat(String robotId, String type, String identity) {}

  /**
   * One finished piece of robot work ({@code robot.response_complete}) of a robot of persona {@code type} (null
   * when the pool no longer knows it: then only a robot already counted is). Counted once per commandId/kind.
   */
  public RobotStats work(RobotResponse.ResponseComplete done, String type) {
    Tally robot = robots.get(done.robotId());
    String key = "work:" + done.commandId() + "/" + done.kind();
    if (robot == null ? type == null : robot.counted().contains(key)) {
      return this;
    }
    Tally before = robot != null ? robot : Tally.of(type);
    long at = seq + 1;
    Tally persona = personas.getOrDefault(before.type(), Tally.of(before.type()));
    return with(done.robotId(), before.work(done, key, at), persona.work(done, null, at), at);
  }

  /**
   * A completed round with the robots that sat in it (as the pool had them before releasing them). A human vote is
   * one whose voter letter is no robot's; a robot passes that vote when it names the robot's letter. Counted once
   * per robot and matchId/round.
   */
  public RobotStats round(MatchEvent.RoundCompleted completed, List<Seat> seated) {
    Map<String, String> votes = completed.votes() == null ? Map.of() : completed.votes();
    List<String> robotLetters = seated.stream().map(Seat::identity).toList();
    List<String> humanVotes = votes.entrySet().stream().filter(v -> !robotLetters.contains(v.getKey()))
        .map(Map.Entry::getValue).toList();
    String key = "round:" + completed.matchId() + "/" + completed.round();
    RobotStats next = this;
    for (Seat s : seated) {
      Tally robot = next.robots.getOrDefault(s.robotId(), Tally.of(s.type()));
      if (robot.counted().contains(key)) {
        continue;
      }
      long passed = humanVotes.stream().filter(letter -> letter.equals(s.identity())).count();
      long at = next.seq + 1;
      Tally persona = next.personas.getOrDefault(robot.type(), Tally.of(robot.type()));
      next = next.with(s.robotId(), robot.round(humanVotes.size(), passed, key, at),
          persona.round(humanVotes.size(), passed, null, at), at);
    }
    return next;
  }

  private RobotStats with(String robotId, Tally robot, Tally persona, long at) {
    Map<String, Tally> r = new LinkedHashMap<>(robots);
    r.put(robotId, robot);
    if (r.size() > MAX_ROBOTS) {
      r.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().seq()))
          .map(Map.Entry::getKey).ifPresent(r::remove);
    }
    Map<String, Tally> p = new LinkedHashMap<>(personas);
    p.put(persona.type(), persona);
    return new RobotStats(r, p, at);
  }

  private static <T> List<T> latest(List<T> list, T item, int max) {
    List<T> out = new ArrayList<>(list.size() + 1);
    out.addAll(list.size() >= max ? list.subList(list.size() - max + 1, list.size()) : list);
    out.add(item);
    return out;
  }
}
