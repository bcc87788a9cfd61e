package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.LlmUsage;
import arena.shared.events.MatchEvent;
import arena.shared.kafka.Topic;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/** {@code replay}: one real match played over the embedded broker, then read back and re-run from its trail. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayCommandTest {
  private static final List<String> ANSWERS = List.of("Pancakes, round one, no question.",
      "Waffles in round two, obviously.");
  private static final String LAST_ANSWER = "No idea, round three.";
  private static TestArena arena;
  private static String matchId;
  private static Path config;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void playOneMatch() throws IOException {
    // Given a finished match: one human, Ann, against three robots, over three rounds
    arena = TestArena.start();
    matchId = arena.api.createMatch(new JsonObject().put("seats", 4).put("humans", 1).put("rounds", 3)
        .put("voteSeconds", 3));
    Play ann = new Play(arena.api, matchId, "Ann");
    for (int round = 1; round <= ANSWERS.size(); round++) {
      String vote = ann.playRound(round, ANSWERS.get(round - 1));
      // And her first vote sent again, once the round is over: refused, nothing changes
      if (round == 1) {
        assertThat(arena.api.vote(matchId, ann.token, round, vote).status()).isIn(202, 409);
      }
    }
    // And in the last round she answers but never votes: the voting deadline ends it
    ann.await(v -> v.getInteger("round", 0) == 3 && "RESPONDING".equals(v.getString("phase")));
    assertThat(arena.api.respond(matchId, ann.token, 3, LAST_ANSWER).status()).isEqualTo(202);
    ann.awaitCompleted();
    config = Files.createTempFile("replay-test", ".json");
    Files.writeString(config, arena.config.encode());
  }

  @AfterAll
  static void stop() throws IOException {
    if (arena != null) {
      arena.close();
    }
    if (config != null) {
      Files.deleteIfExists(config);
    }
  }

  static Run replay(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "replay";
    System.arraycopy(args, 0, all, 1, args.length);
    int exit = cli.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  @Order(1)
  void aFinishedMatchIsShownAndReproduced() {
    // When the match is replayed from its trail
    Run run = replay(matchId, "--config", config.toString());

    // Then it is reproduced, and says so with exit 0
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("reproduced").doesNotContain("NOT reproduced");
    // And the timeline shows every phase, Ann's answers and votes, the robots, the scores and the cost
    assertThat(run.out()).contains("match created", "Ann joined", "match started", "round 1 starting",
        "round 2 starting", "robots needed", "robots assigned", "voting started", "round 1 completed",
        "round 2 completed", "round 3 completed", "match completed", "LLM cost", "released");
    assertThat(run.out()).contains("deadline: round 3 completed");
    assertThat(run.out()).contains("Ann answered \"" + LAST_ANSWER + "\"");
    ANSWERS.forEach(a -> assertThat(run.out()).contains("Ann answered \"" + a + "\""));
    assertThat(run.out()).contains("Ann voted");
    assertThat(run.out()).containsPattern("robot \\S+ as [A-Z] answered \"");
    assertThat(run.out()).containsPattern("robot \\S+ as [A-Z] voted [A-Z]");
    assertThat(run.out()).contains("scores", "final scores");
  }

  @Test
  @Order(2)
  void jsonGivesTheTimelineAndTheVerdict() {
    // When the match is replayed with --json
    Run run = replay(matchId, "--config", config.toString(), "--json");

    // Then one JSON document holds the redacted timeline and the verdict
    assertThat(run.exit()).as(run.err()).isZero();
    JsonObject json = new JsonObject(run.out());
    assertThat(json.getString("matchId")).isEqualTo(matchId);
    assertThat(json.getJsonObject("verdict").getBoolean("reproduced")).isTrue();
    assertThat(json.getJsonArray("timeline")).isNotEmpty();
    // And the token hashes stay in Kafka, as on GET /api/matches/{id}/events
    assertThat(run.out()).contains("\"tokenHash\" : \"redacted\"").doesNotContain("\"seed\"");
  }

  @Test
  @Order(3)
  void oneRobotsAssignmentsAreShown() {
    // Given a robot that sat in the match
    Run all = replay(matchId, "--config", config.toString(), "--json");
    String robotId = new JsonObject(all.out()).getJsonArray("timeline").stream().map(o -> (JsonObject) o)
        .filter(e -> e.getString("eventType").equals("response.submitted"))
        .map(e -> e.getJsonObject("payload").getString("robotId")).findFirst().orElseThrow();

    // When its assignments are replayed
    Run run = replay("--robot", robotId, "--config", config.toString());

    // Then each of its rounds shows the match, round, letter, what it was told, what it did, its cost and release
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("robot " + robotId, "match " + matchId, "round ", "told to answer",
        "told to vote", "answered \"", "voted ", "released", "USD", "reproduced");
  }

  @Test
  @Order(4)
  void anUnknownMatchIsNamedAndExitsWithTwo() {
    // When a match nobody played is replayed
    Run run = replay("no-such-match", "--config", config.toString());

    // Then it says so, with exit code 2
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("no-such-match").contains("no record");
  }

  @Test
  @Order(5)
  void anUnknownRobotIsNamedAndExitsWithTwo() {
    Run run = replay("--robot", "robot-nobody", "--config", config.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("robot-nobody");
  }

  @Test
  @Order(5)
  void aMatchAndARobotAtOnceIsRefused() {
    Run run = replay(matchId, "--robot", "robot-1", "--config", config.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("either a MATCH_ID or --robot");
  }

  @Test
  @Order(5)
  void anUnreachableClusterIsNamedAndExitsWithThree() {
    // Given a Kafka address nobody listens on
    String nobody = "127.0.0.1:" + FreePorts.next();

    // When a match is replayed from it
    Run run = replay(matchId, "--config", config.toString(), "--kafka", nobody, "--timeout", "2");

    // Then it says it could not read Kafka there, with exit code 3
    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).contains("could not read the trail from Kafka at " + nobody);
  }

  @Test
  @Order(6)
  void anotherRulesetConfigurationDoesNotReproduceIt() throws IOException {
    // Given a configuration whose answers may hold only 5 characters
    JsonObject other = arena.config.copy();
    other.getJsonObject("match").put("answerMaxChars", 5);
    Path file = Files.createTempFile("replay-other", ".json");
    Files.writeString(file, other.encode());

    // When the match is replayed under it
    Run run = replay(matchId, "--config", file.toString());
    Files.delete(file);

    // Then it is not reproduced, exits non-zero and says what differs
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.out()).contains("NOT reproduced").contains("recorded").contains("replayed");
  }

  @Test
  @Order(7)
  void aForgedResultIsFound() {
    // Given a forged match.completed giving Ann 99 points, appended to the match's events
    MatchEvent.Completed forged = new MatchEvent.Completed(matchId, Map.of("forged-player", 99), List.of(),
        LlmUsage.NONE);
    Envelope<MatchEvent.Completed> envelope = Envelope.of("match.completed", "forger", matchId, forged, null, null);
    TopicReader.produce(arena.arenaConfig(), Topic.MATCH_EVENTS, matchId, Json.write(envelope));

    // When the match is replayed
    Run run = replay(matchId, "--config", config.toString());

    // Then the forged event is named and the exit code is 1
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.out()).contains("NOT reproduced").contains("match.completed").contains("99");
  }
}
