package arena.launcher;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.Topic;
import arena.shared.state.PoolState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Microseconds per decode of two typical records (a round's voting with six answers, a command's reply), and per
 * encode of those and of a robot's pool record, on one thread, after a warm-up: every consumer decodes every record
 * it uses, so this is paid once per record per reader; every writer encodes each record once.
 */
public final class CodecBenchmark {
  private CodecBenchmark() {}

  public static void main(String[] args) {
    Map<String, String> responses = new LinkedHashMap<>();
    for (String letter : List.of("A", "B", "C", "D", "E", "F")) {
      responses.put(letter, "an answer of some length, as a player would write it, from " + letter);
    }
    String voting = Json.write(Envelope.of("round.voting_started", "match-service", "m-1", new MatchEvent.VotingStarted(
        "m-1", 2, "What is the best thing about Mondays?", responses, Instant.now()), "c-1", "e-0"));
    String reply = Json.write(Envelope.of("command.accepted", "match-service", "m-1",
        new MatchEvent.CommandAccepted("m-1", "response.submit", 17), "c-1", "e-0"));
    Envelope<PoolState.PooledRobot> robot = Envelope.of("pool.robot", "robot-orchestrator", "robot-dry-engineer-17",
        new PoolState.PooledRobot(4711, new PoolState.Robot("robot-dry-engineer-17", "dry-engineer",
            PoolState.Status.BUSY, "m-1", 2, "C", Instant.now(), 42, List.of("m-0/1", "m-0/2", "m-1/1"))),
        "c-1", "e-0");
    for (Envelope<?> envelope : List.of(EventCodec.decode(Topic.MATCH_EVENTS, voting),
        EventCodec.decode(Topic.MATCH_EVENTS, reply), robot)) {
      for (int pass = 0; pass < 4; pass++) {
        int n = 200_000;
        long began = System.nanoTime();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
          bytes += Json.write(envelope).length();
        }
        if (pass > 0 && bytes > 0) {
          System.out.printf("%s (%d bytes): %.2f us per encode%n", envelope.eventType(), bytes / n,
              (System.nanoTime() - began) / 1e3 / n);
        }
      }
    }
    for (String[] record : List.of(new String[] {"round.voting_started", voting},
        new String[] {"command.accepted", reply})) {
      for (int pass = 0; pass < 4; pass++) {
        int n = 200_000;
        long began = System.nanoTime();
        long ids = 0;
        for (int i = 0; i < n; i++) {
          ids += EventCodec.decode(Topic.MATCH_EVENTS, record[1]).eventId().length();
        }
        if (pass > 0 && ids > 0) { // the first pass warms up
          System.out.printf("%s (%d bytes): %.2f us per decode%n", record[0], record[1].length(),
              (System.nanoTime() - began) / 1e3 / n);
        }
      }
    }
  }
}
