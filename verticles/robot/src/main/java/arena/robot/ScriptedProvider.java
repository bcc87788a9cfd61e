package arena.robot;

import arena.shared.game.Text;
import io.vertx.core.Future;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The offline provider, and every robot's fallback: answers composed from the prompt in the persona's words and
 * typed its way ({@link AnswerWriter}, {@link PromptReader}, {@link Typist}); votes by a "which one looks most
 * human" heuristic that follows no answer's instruction ({@link VoteJudge}). Deterministic for a seeded
 * {@link RandomGenerator}. Not thread-safe: one per verticle instance.
 */
public final class ScriptedProvider implements RobotProvider {
  public static final String NAME = "scripted";

  private final AnswerWriter writer;
  private final VoteSteering steering = new VoteSteering();
  private final VoteJudge judge;

  public ScriptedProvider(RandomGenerator random) {
    this.writer = new AnswerWriter(random);
    this.judge = new VoteJudge(random, steering);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<Reply> answer(AnswerRequest request) {
    return Future.succeededFuture(Reply.of(compose(request)));
  }

  @Override
  public Future<Reply> vote(VoteRequest request) {
    String letter = pickVote(request);
    return letter == null
        ? Future.failedFuture(new IllegalArgumentException("no letter to vote for"))
        : Future.succeededFuture(Reply.of(letter));
  }

  /** An answer of 1 to 280 characters in the persona's voice, about the prompt. */
  public String compose(AnswerRequest request) {
    return writer.compose(request);
  }

  /**
   * The letter whose answer looks most like a casual human's, among those no answer tells the voters to vote for
   * (among all when every one is); null when there is nothing to vote for.
   */
  public String pickVote(VoteRequest request) {
    return judge.pickVote(request);
  }

  /**
   * The letters the answers of {@code request} tell the voter to vote for ({@link VoteSteering}): each answer is read
   * once for all the robots this provider stands in for, which read the same answers of their match.
   */
  Set<String> designated(VoteRequest request) {
    return steering.designated(request);
  }

  /**
   * The text as players will see it: normalized like every answer ({@link Text#normalize}) and cut to 280 code
   * points, at a word boundary when one is in the second half; never empty. What the robot submits and remembers.
   */
  static String fit(String text, String topic) {
    String t = Text.normalize(text);
    if (Text.length(t) > Reply.MAX_CHARS) {
      int end = t.offsetByCodePoints(0, Reply.MAX_CHARS);
      String head = Text.cut(t, Reply.MAX_CHARS);
      int space = head.lastIndexOf(' ');
      boolean midWord = t.charAt(end) != ' ' && t.charAt(end - 1) != ' ';
      t = midWord && space > head.length() / 2 ? head.substring(0, space) : head;
    }
    if (t.isEmpty()) {
      t = Text.cut(Text.normalize(topic), Reply.MAX_CHARS);
    }
    return t.isEmpty() ? "idk" : t;
  }
}
