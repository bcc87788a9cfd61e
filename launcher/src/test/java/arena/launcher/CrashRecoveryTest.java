package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole JVM, embedded broker included, killed with SIGKILL mid-round and started again in the same folder:
 * the match finishes and every answer accepted before the kill is still there.
 */
class CrashRecoveryTest {

  @Test
  void killMinusNineMidRoundThenStartAgainFinishesTheMatch() throws Exception {
    Path dataDir = Files.createTempDirectory("arena-crash");
    int kafkaPort = FreePorts.next();
    int httpPort = FreePorts.next();
    GameApi api = new GameApi("http://127.0.0.1:" + httpPort);
    Process game = launch(dataDir, kafkaPort, httpPort, "first");
    try {
      api.awaitHealthy(game, "target/crash-recovery-*.log");
      // Given a match where Ann has answered round 1 and Bob, the other human, has not
      String matchId = api.createMatch(new JsonObject().put("seats", 4).put("humans", 2).put("rounds", 2)
          .put("responseSeconds", 5).put("voteSeconds", 3));
      Play ann = new Play(api, matchId, "Ann");
      Play bob = new Play(api, matchId, "Bob");
      String annLetter = ann.await(v -> "RESPONDING".equals(v.getString("phase"))).getString("you");
      assertThat(api.respond(matchId, ann.token, 1, "Accepted before the kill.").status()).isEqualTo(202);

      // When the JVM is killed with SIGKILL and started again in the same folder
      game.destroyForcibly().waitFor();
      game = launch(dataDir, kafkaPort, httpPort, "second");
      api.awaitHealthy(game, "target/crash-recovery-*.log");

      // Then the match completes with Ann's answer in round 1
      JsonObject end = api.awaitView(matchId, ann.token, v -> "COMPLETED".equals(v.getString("status")),
          Duration.ofSeconds(60));
      JsonObject round1 = end.getJsonArray("results").getJsonObject(0);
      assertThat(round1.getJsonObject("responses").getString(annLetter)).isEqualTo("Accepted before the kill.");
      assertThat(api.view(matchId, bob.token).json().getString("status")).isEqualTo("COMPLETED");
    } finally {
      game.destroyForcibly().waitFor();
    }
  }

  private static Process launch(Path dataDir, int kafkaPort, int httpPort, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--data-dir", dataDir.resolve("kafka").toString(), "--kafka-port",
        String.valueOf(kafkaPort), "--http-port", String.valueOf(httpPort), "--admin-port",
        String.valueOf(FreePorts.next())));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true)
        .redirectOutput(new File("target/crash-recovery-" + name + ".log"));
    pb.environment().put("ARENA_ROBOT_PROVIDER", "scripted");
    pb.environment().put("ARENA_MATCH_INTERMISSION_SECONDS", "0");
    pb.environment().put("ARENA_MATCH_LIMITS_MIN_SECONDS", "1");
    for (String action : List.of("ANSWER", "VOTE")) {
      pb.environment().put("ARENA_ROBOT_TIMING_" + action + "_THINK_MEDIAN_MS", "60");
      pb.environment().put("ARENA_ROBOT_TIMING_" + action + "_MS_PER_CHAR", "0.5");
      pb.environment().put("ARENA_ROBOT_TIMING_" + action + "_MISS_RATE", "0");
    }
    pb.environment().put("ARENA_ROBOT_TIMING_FLOOR_MS", "20");
    pb.environment().put("ARENA_ROBOT_TIMING_DEADLINE_MARGIN_MS", "200");
    pb.environment().remove("OPENAI_API_KEY");
    pb.environment().remove("ANTHROPIC_API_KEY");
    pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    return pb.start();
  }
}
