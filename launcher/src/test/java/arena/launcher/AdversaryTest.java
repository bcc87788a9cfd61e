package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import arena.launcher.adversary.ClassifierScores;
import arena.launcher.adversary.Dataset;
import arena.launcher.adversary.Features;
import arena.launcher.adversary.Observation;
import arena.launcher.adversary.Row;
import arena.shared.game.HumanTiming;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The game's promise, tested as an adversary would: nobody can tell humans from robots except by the words.
 *
 * <p>Many matches at once on the real broker, simulated humans (timed by the same {@link HumanTiming} as the robots,
 * with the same settings, texts from a small corpus) against robots on the scripted provider and, in a quarter of
 * the matches, on the openai provider against the fake LLM. A spectator on each match's public channel, each
 * human's own channel and a poller without a token record every view with its arrival time. Then every letter of
 * every round becomes a row of what could be observed about it before the reveal (never its words, nor the votes
 * it received, which judge the words), labelled human or robot from the reveal, and simple classifiers try to tell
 * them apart: one threshold per feature, and a logistic regression on all of them, each scored out of sample
 * (5-fold cross-validation, whole matches per fold) by balanced accuracy with every match weighing alike and its
 * humans as much as its robots, so chance is 50% whatever the share of humans, and what is common to a whole match
 * or round (its seats, its provider) tells nobody apart. The promise holds when none beats chance by more than 5
 * points.
 *
 * <p>Alone: {@code mvn -B -o test -pl launcher -Dtest=AdversaryTest}; {@code -Dadversary.matches=N} and
 * {@code -Dadversary.seed=S} change its size and its draws.
 */
@Tag("adversary")
class AdversaryTest {
  private static final int MATCHES = Integer.getInteger("adversary.matches", 36);
  private static final long SEED = Long.getLong("adversary.seed", 8);
  private static final int ROUNDS = 15;
  private static final int RESPONSE_SECONDS = 6;
  private static final int VOTE_SECONDS = 5;
  private static final double CHANCE = 0.5;
  private static final double MARGIN = 0.05;
  private static final int FOLDS = 5;

  /** Short phases, so the timing model is scaled down to them; humans and robots share these very settings. */
  private static JsonObject timing() {
    return new JsonObject()
        .put("answer", new JsonObject().put("thinkMedianMs", 1500).put("thinkSigma", 0.6).put("msPerChar", 25)
            .put("msPerCharSigma", 0.35).put("missRate", 0.03))
        .put("vote", new JsonObject().put("thinkMedianMs", 1000).put("thinkSigma", 0.6).put("msPerChar", 4)
            .put("msPerCharSigma", 0.35).put("missRate", 0.04))
        .put("floorMs", 300).put("jitterMs", 300).put("deadlineMarginMs", 800);
  }

  private static void configure(JsonObject c, int robotsPerType, int intermissionSeconds) {
    c.getJsonObject("robot").put("timing", timing());
    c.getJsonObject("pool").put("robots", TestArena.pool(robotsPerType));
    c.getJsonObject("match").put("intermissionSeconds", intermissionSeconds);
    // Longer matches than players get: more rounds narrow the spread of the scores around chance.
    c.getJsonObject("match").getJsonObject("limits").put("maxRounds", ROUNDS);
    // One client (this test) creates every match and plays every human: limits meant for strangers stay off.
    JsonObject gateway = c.getJsonObject("gateway");
    JsonObject limits = gateway.getJsonObject("limits");
    if (limits == null) {
      gateway.put("limits", limits = new JsonObject());
    }
    limits.put("enabled", false);
  }

  @Test
  void nobodyTellsHumansFromRobotsExceptByTheWords() throws Exception {
    long began = System.nanoTime();
    int fakePort = FreePorts.next();
    Vertx vertx = Vertx.vertx();
    // Held for the whole test: a client nobody refers to may be collected, and its sockets closed with it.
    // A spectator and a tap per human for every match: more sockets than a client opens by default.
    WebSocketClient sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(4 * MATCHES));
    ScheduledExecutorService pollers = Executors.newScheduledThreadPool(6);
    ScheduledExecutorService hands = Executors.newScheduledThreadPool(8);
    List<BridgeTap> taps = new ArrayList<>();
    List<MatchWatch> watches = new ArrayList<>();
    // Given a game whose robots play scripted, and one whose robots ask the fake LLM through the openai provider
    try (TestArena scripted = TestArena.start(c -> configure(c, 40, 1));
        TestArena llm = TestArena.start(c -> {
          configure(c, 10, 0);
          c.put("roles", TestArena.roles("fake-llm", "match", "orchestrator", "robot", "gateway"));
          c.getJsonObject("fakeLlm").put("port", fakePort)
              .put("latency", new JsonObject().put("medianMs", 150).put("p99Ms", 600));
          c.getJsonObject("robot").put("provider", "openai");
        }, Map.of("OPENAI_API_KEY", "sk-adversary", "OPENAI_BASE_URL", "http://127.0.0.1:" + fakePort + "/v1"))) {
      HumanTiming timing = new HumanTiming(scripted.arenaConfig().bind("robot.timing", HumanTiming.Settings.class));
      assertThat(llm.arenaConfig().bind("robot.timing", HumanTiming.Settings.class)).isEqualTo(timing.settings());
      List<String> corpus = corpus();
      SplittableRandom seeds = new SplittableRandom(SEED);

      // When many matches of 4 or 5 seats, 1 or 2 of them human, play 15 rounds at once, watched from every side
      for (int i = 0; i < MATCHES; i++) {
        // A fifth of the matches on the LLM, spread over every kind of match below.
        TestArena arena = i % 5 == 2 ? llm : scripted;
        int port = arena.config.getJsonObject("http").getInteger("port");
        int seats = 4 + i % 2;
        int humans = 1 + (i / 2) % 2;
        String matchId = arena.api.createMatch(new JsonObject().put("seats", seats).put("humans", humans)
            .put("rounds", ROUNDS).put("responseSeconds", RESPONSE_SECONDS).put("voteSeconds", VOTE_SECONDS));
        MatchWatch watch = new MatchWatch(arena.api, matchId);
        watches.add(watch);
        BridgeTap spectator = BridgeTap.connect(vertx, sockets, port,
            (nanos, frame) -> watch.frame(watch.updates(), Observation.UPDATES, nanos, frame, null));
        taps.add(spectator);
        spectator.register(watch.updates(), null);
        for (int h = 0; h < humans; h++) {
          JsonObject seat = arena.api.join(matchId, "Player " + i + "-" + h);
          SimulatedHuman human = new SimulatedHuman(arena.api, matchId, seat.getString("token"), timing, corpus,
              hands, seeds.nextLong());
          watch.humans.add(human);
          String own = "match." + matchId + ".player." + seat.getString("playerId");
          // The first human's channel is a source of features; the second's only drives its human.
          String source = h == 0 ? Observation.PLAYER : Observation.PLAYER + "#" + h;
          BridgeTap tap = BridgeTap.connect(vertx, sockets, port,
              (nanos, frame) -> watch.frame(own, source, nanos, frame, human));
          taps.add(tap);
          tap.register(own, seat.getString("token"));
          if ((i + h) % 2 == 1) {
            human.playThrough(tap);
          }
        }
        watch.poll(pollers);
      }
      // Every match is under way at once: all must be over within one match's longest time, and some slack.
      long allOver = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUNDS * (RESPONSE_SECONDS + VOTE_SECONDS + 4L) + 60);
      List<Row> rows = new ArrayList<>();
      int rounds = 0;
      for (MatchWatch watch : watches) {
        JsonObject end = watch.completed.get(Math.max(0, allOver - System.nanoTime()), TimeUnit.NANOSECONDS);
        rounds += end.getJsonArray("results").size();
        rows.addAll(Features.extract(watch.matchId, watch.observations(), end));
      }
      taps.forEach(BridgeTap::close);
      watches.forEach(MatchWatch::stop);

      // Then the matches gave enough of both to judge
      Dataset data = Dataset.of(rows);
      assertThat(rounds).isGreaterThanOrEqualTo(Math.min(200, MATCHES * ROUNDS));
      assertThat(data.size()).isGreaterThanOrEqualTo(Math.min(800, MATCHES * ROUNDS * 4));
      assertThat(data.humans()).isGreaterThanOrEqualTo(data.size() / 5);
      int sent = watches.stream().flatMap(w -> w.humans.stream()).mapToInt(h -> h.sent.get()).sum();
      int accepted = watches.stream().flatMap(w -> w.humans.stream()).mapToInt(h -> h.accepted.get()).sum();
      assertThat(accepted).as("human actions accepted").isGreaterThanOrEqualTo(sent * 9 / 10);

      // And no classifier tells humans from robots better than chance by more than 5 points
      ClassifierScores scores = ClassifierScores.of(data, FOLDS, SEED);
      System.out.println(report(data, scores, rounds, watches, sent, accepted, began));
      assertThat(scores.best()).as(scores.table()).isLessThanOrEqualTo(CHANCE + MARGIN);
    } finally {
      watches.forEach(MatchWatch::stop);
      taps.forEach(BridgeTap::close);
      pollers.shutdownNow();
      hands.shutdownNow();
      vertx.close().await();
    }
  }

  private static String report(Dataset data, ClassifierScores scores, int rounds, List<MatchWatch> watches, int sent,
      int accepted, long began) {
    int missed = watches.stream().flatMap(w -> w.humans.stream()).mapToInt(h -> h.missed.get()).sum();
    Map<String, Long> bySource = new java.util.TreeMap<>();
    watches.forEach(w -> w.observations().forEach(o -> bySource.merge(o.source().replaceAll("#.*", ""), 1L,
        Long::sum)));
    return "\n=== AdversaryTest: telling humans from robots without the words ===\n"
        + "matches " + watches.size() + ", rounds " + rounds + ", rows (letter x round) " + data.size()
        + ", humans " + data.humans() + ", robots " + (data.size() - data.humans()) + "\n"
        + "observed views by source " + bySource + "; human actions sent " + sent + ", accepted " + accepted
        + ", phases missed on purpose " + missed + "\n"
        + "never used: the words, votesReceived (other players' votes judge the words), participants, you* fields\n"
        + "balanced accuracy (each match weighing alike, its humans as much as its robots), " + FOLDS
        + "-fold cross-validation by match (chance 50%, pass <= " + Math.round((CHANCE + MARGIN) * 100) + "%):\n"
        + scores.table()
        + "took " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began) + " s\n";
  }

  private static List<String> corpus() throws IOException {
    try (InputStream in = AdversaryTest.class.getResourceAsStream("/adversary/answers.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(l -> !l.isEmpty()).toList();
    }
  }
}
