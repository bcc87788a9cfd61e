package arena.launcher;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.EventCodec;
import arena.shared.kafka.Topic;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Microseconds per decode of two typical records (a round's voting with six answers, a command's reply), on one
 * thread, after a warm-up: every consumer decodes every record it uses, so this is paid once per record per reader.
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
