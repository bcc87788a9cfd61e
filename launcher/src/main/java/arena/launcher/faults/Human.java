package arena.launcher.faults;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A simulated human in one match: polls its view through its own gateway (the other when that one fails), answers
 * each round and votes, each after a short think, until the match is over or its time is up. Every action it sent
 * goes to the ledger with the status it finally got.
 */
final class Human implements Runnable {
  /** One answer or vote, and what the API finally said to it (0: no answer within the bound). */
  record Action(String matchId, String playerId, int round, String kind, String value, int status) {
    boolean accepted() {
      return status == 202;
    }
  }

  private static final List<String> ANSWERS = List.of("Toast. Always toast.", "my grandmother's soup, no question",
      "probably a long walk by the river", "honestly? a nap", "the smell of rain on hot pavement",
      "I'd pick the bicycle every time", "cold pizza for breakfast", "that one song from the summer of 2009");

  private final Gateways gateways;
  private final int home;
  final String matchId;
  final String playerId;
  private final String token;
  private final Queue<Action> ledger;
  private final Instant until;
  private final SplittableRandom random;
  private final Duration think;
  private final Duration patience;
  volatile String lastStatus = "never seen";

  Human(Gateways gateways, int home, String matchId, String playerId, String token, Queue<Action> ledger,
      Instant until, Duration think, Duration patience, long seed) {
    this.gateways = gateways;
    this.home = home;
    this.matchId = matchId;
    this.playerId = playerId;
    this.token = token;
    this.ledger = ledger;
    this.until = until;
    this.think = think;
    this.patience = patience;
    this.random = new SplittableRandom(seed);
  }

  @Override
  public void run() {
    Set<Integer> answered = new HashSet<>();
    Set<Integer> voted = new HashSet<>();
    String path = "/api/matches/" + matchId;
    while (Instant.now().isBefore(until)) {
      Gateways.Reply reply = gateways.call(home, "GET", path, token, null, Duration.ofSeconds(5), true);
      if (reply != null && reply.status() == 200) {
        JsonObject view = reply.json();
        lastStatus = view.getString("status");
        if (!"WAITING".equals(lastStatus) && !"RUNNING".equals(lastStatus)) {
          return;
        }
        int round = view.getInteger("round", 0);
        String phase = view.getString("phase");
        if ("RUNNING".equals(lastStatus) && "RESPONDING".equals(phase) && answered.add(round)) {
          thinks();
          String text = ANSWERS.get(random.nextInt(ANSWERS.size())) + " (" + round + ")";
          act(path + "/response", round, "answer", text, new JsonObject().put("round", round).put("text", text));
        } else if ("RUNNING".equals(lastStatus) && "VOTING".equals(phase) && voted.add(round)) {
          List<String> others = view.getJsonArray("participants").stream().map(String::valueOf)
              .filter(l -> !l.equals(view.getString("you"))).toList();
          if (!others.isEmpty()) {
            thinks();
            String letter = others.get(random.nextInt(others.size()));
            act(path + "/vote", round, "vote", letter, new JsonObject().put("round", round).put("identity", letter));
          }
        }
      }
      Pause.of(Duration.ofMillis(250));
    }
  }

  private void thinks() {
    Pause.of(Duration.ofMillis(think.toMillis() / 4 + random.nextLong(Math.max(1, think.toMillis()))));
  }

  private void act(String path, int round, String kind, String value, JsonObject body) {
    Gateways.Reply reply = gateways.call(home, "POST", path, token, body, patience, true);
    ledger.add(new Action(matchId, playerId, round, kind, value, reply == null ? 0 : reply.status()));
  }
}
