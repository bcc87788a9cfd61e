package arena.launcher;

import arena.shared.game.HumanTiming;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A human in the adversary test: reacts to the first view that shows a new phase, then answers (a line of the
 * corpus) or votes (a random other letter) after a delay drawn from the same {@link HumanTiming} the robots use,
 * or misses the phase at the same rate; through the HTTP API or, if it has a socket, through the bridge.
 */
final class SimulatedHuman {
  private static final String COMMANDS = "arena.player.commands";

  private final GameApi api;
  private final String matchId;
  final String token;
  private final HumanTiming timing;
  private final List<String> corpus;
  private final ScheduledExecutorService hands;
  private final SplittableRandom random;
  /** The typist's own speed, for the whole match. */
  private final double speed;
  private final Set<String> phases = new HashSet<>();
  private BridgeTap bridge;
  /** Where the bridge will reply to commands still unanswered. */
  private final Set<String> replies = ConcurrentHashMap.newKeySet();

  final AtomicInteger sent = new AtomicInteger();
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger missed = new AtomicInteger();

  SimulatedHuman(GameApi api, String matchId, String token, HumanTiming timing, List<String> corpus,
      ScheduledExecutorService hands, long seed) {
    this.api = api;
    this.matchId = matchId;
    this.token = token;
    this.timing = timing;
    this.corpus = corpus;
    this.hands = hands;
    this.random = new SplittableRandom(seed);
    this.speed = Math.exp(0.25 * random.nextGaussian());
  }

  /** Plays through the bridge from now on. */
  void playThrough(BridgeTap bridge) {
    this.bridge = bridge;
  }

  /** A view this human saw at {@code nanos}; the first to show a phase starts the clock for it. */
  synchronized void saw(JsonObject view, long nanos) {
    int round = view.getInteger("round", 0);
    String phase = view.getString("phase");
    if (!"RUNNING".equals(view.getString("status")) || round == 0 || !phases.add(round + "/" + phase)) {
      return;
    }
    long window = view.getString("deadline") == null ? 0
        : java.time.Duration.between(Instant.now(), Instant.parse(view.getString("deadline"))).toMillis();
    if ("RESPONDING".equals(phase)) {
      if (timing.missesAnswer(random)) {
        missed.incrementAndGet();
        return;
      }
      String text = corpus.get(random.nextInt(corpus.size()));
      long delay = timing.answerDelayMs(text.codePointCount(0, text.length()), speed, window, random);
      later(nanos, delay, () -> answer(round, text));
    } else if ("VOTING".equals(phase)) {
      if (timing.missesVote(random)) {
        missed.incrementAndGet();
        return;
      }
      int read = view.getJsonObject("responses", new JsonObject()).stream()
          .mapToInt(e -> String.valueOf(e.getValue()).length()).sum();
      long delay = timing.voteDelayMs(read, window, random);
      long pick = random.nextLong();
      later(nanos, delay, () -> vote(round, new SplittableRandom(pick)));
    }
  }

  private void later(long from, long delayMs, Runnable action) {
    long wait = from + TimeUnit.MILLISECONDS.toNanos(delayMs) - System.nanoTime();
    hands.schedule(() -> {
      try {
        action.run();
      } catch (RuntimeException | AssertionError e) {
        // A refused or failed action is a missed one; the test counts what was accepted.
      }
    }, Math.max(0, wait), TimeUnit.NANOSECONDS);
  }

  private void answer(int round, String text) {
    act(new JsonObject().put("action", "response").put("round", round).put("text", text),
        () -> api.respond(matchId, token, round, text).status());
  }

  private void vote(int round, SplittableRandom pick) {
    // What the page knows: its own view, with its letter.
    JsonObject mine = api.view(matchId, token).json();
    if (mine.getInteger("round", 0) != round || !"VOTING".equals(mine.getString("phase"))) {
      return;
    }
    List<String> others = mine.getJsonArray("participants").stream().map(String::valueOf)
        .filter(l -> !l.equals(mine.getString("you"))).toList();
    String letter = others.get(pick.nextInt(others.size()));
    act(new JsonObject().put("action", "vote").put("round", round).put("identity", letter),
        () -> api.vote(matchId, token, round, letter).status());
  }

  private void act(JsonObject command, java.util.function.IntSupplier http) {
    sent.incrementAndGet();
    if (bridge != null) {
      replies.add(bridge.send(COMMANDS, token, command.put("matchId", matchId)));
    } else if (http.getAsInt() == 202) {
      accepted.incrementAndGet();
    }
  }

  /** A frame on this human's bridge socket that is not a view: a reply to one of its commands. */
  void replied(JsonObject frame) {
    if (replies.remove(frame.getString("address")) && "rec".equals(frame.getString("type"))
        && frame.getJsonObject("body", new JsonObject()).getInteger("status", 0) == 202) {
      accepted.incrementAndGet();
    }
  }
}
