package arena.robot;

/**
 * A provider's answer text or vote letter.
 *
 * @param usage    token usage when the provider reports it, else null
 * @param fallback true when the provider could not answer and the scripted provider stood in
 */
public record Reply(String text, Usage usage, boolean fallback) {
  /** The longest answer a player may give. */
  public static final int MAX_CHARS = 280;

  public record Usage(int promptTokens, int completionTokens, int totalTokens) {}

  public static Reply of(String text) {
    return new Reply(text, null, false);
  }

  public Reply asFallback() {
    return new Reply(text, usage, true);
  }
}
