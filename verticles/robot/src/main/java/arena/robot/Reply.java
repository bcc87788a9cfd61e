package arena.robot;

/**
 * A provider's answer text or vote letter.
 *
 * @param usage    what the LLM call cost, when one was made (even if its reply was refused), else null
 * @param fallback true when the provider could not answer and the scripted provider stood in
 */
public record Reply(String text, Usage usage, boolean fallback) {
  /** The longest answer a player may give. */
  public static final int MAX_CHARS = 280;

  /** Tokens of one LLM call and their estimated price (conf/prices.json). */
  public record Usage(String model, int inputTokens, int outputTokens, double costUsd) {}

  public static Reply of(String text) {
    return new Reply(text, null, false);
  }

  public Reply asFallback() {
    return new Reply(text, usage, true);
  }
}
