package arena.robot;

import java.util.List;

/**
 * A robot's personality: how an LLM should role-play it and, for the offline provider, how it writes.
 *
 * @param type         the robot type the orchestrator assigns (e.g. "curious-student")
 * @param name         display name
 * @param systemPrompt role-play instructions for an LLM
 * @param provider     the provider this persona plays with ("scripted", "openai", "anthropic"); null plays with
 *                     the pool's {@code robot.provider}
 */
public record Persona(String type, String name, String systemPrompt, Style style, Phrases phrases,
    String provider) {

  /**
   * @param verbosity            0..1, how much beyond the bare opinion the persona says
   * @param typoRate             0..1, chance of a typo per answer
   * @param lowercase            writes in lowercase
   * @param emojiRate            0..1, chance of an emoji per answer
   * @param typingCharsPerSecond how fast the persona types (0 = use the configured default)
   */
  public record Style(double verbosity, double typoRate, boolean lowercase, double emojiRate,
      double typingCharsPerSecond) {}

  /** Phrase banks of the scripted provider; {@code opinions} contain a {@code {topic}} placeholder. */
  public record Phrases(List<String> openers, List<String> opinions, List<String> details, List<String> fillers,
      List<String> signOffs, List<String> callbacks, List<String> emojis) {}
}
