package arena.robot;

import arena.shared.ops.ArenaMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The robot workers' meters, on Micrometer's global registry. Every label has a bounded set of values (providers,
 * personas, kinds, reasons): no meter is tagged with a match or a robot, both unbounded, so per-match cost travels
 * in robot.response_complete and the Match Service sums it per match.
 */
final class RobotMetrics {
  /**
   * The meters by name and tags: registering looks a meter up by building its id and tags every time, which
   * costs more than the robot's own work per answer when thousands answer at once.
   */
  private static final Map<List<String>, Counter> COUNTERS = new ConcurrentHashMap<>();
  private static final Map<String, Timer> RESPONSES = new ConcurrentHashMap<>();

  private RobotMetrics() {}

  /** What the worker itself finds wrong with a provider's work, whatever the provider. */
  private static final List<String> WORKER_REASONS = List.of("deadline", "error", "invalid", "steered");

  /**
   * The series of a provider this JVM's robots play with, at zero from the start, so an operator's rate() and
   * alerts see them before the first answer or error.
   */
  static void inUse(String provider) {
    response(provider);
    WORKER_REASONS.forEach(reason -> error(provider, reason));
    cost(provider);
  }

  /** How long the provider took to come up with an answer or a vote: {@code arena_robot_response_seconds}. */
  static void providerLatency(String provider, long ms) {
    response(provider).record(Duration.ofMillis(ms));
  }

  private static Timer response(String provider) {
    return RESPONSES.computeIfAbsent(provider, p ->
        ArenaMetrics.duration("arena.robot.response", "how long a provider took to answer or vote for a robot")
            .tag("provider", p).register(Metrics.globalRegistry));
  }

  /** The counter {@code name} with {@code tags} (key, value, key, value, …), registered once. */
  private static Counter counter(String name, String description, String... tags) {
    String[] key = Arrays.copyOf(tags, tags.length + 1);
    key[tags.length] = name;
    return COUNTERS.computeIfAbsent(Arrays.asList(key), k -> Counter.builder(name).tags(tags).description(description)
        .register(Metrics.globalRegistry));
  }

  private static Counter error(String provider, String reason) {
    return counter("arena.robot.errors", "provider calls whose work the scripted provider had to redo, by reason",
        "provider", provider, "reason", reason);
  }

  private static Counter cost(String provider) {
    return counter("arena.llm.cost.usd", "estimated LLM cost in US dollars (prices in conf/prices.json)",
        "provider", provider);
  }

  /** One submitted answer ("response") or vote. */
  static void submitted(String kind, String provider, boolean fallback) {
    counter(kind.equals("vote") ? "arena.robot.votes" : "arena.robot.answers", null, "provider", provider,
        "fallback", String.valueOf(fallback)).increment();
  }

  /** The scripted provider stood in for {@code provider}: an error of {@code provider}. */
  static void fallback(String provider, String reason) {
    error(provider, reason).increment();
  }

  static void skipped(String reason) {
    Counter.builder("arena.robot.commands.skipped").tag("reason", reason).register(Metrics.globalRegistry)
        .increment();
  }

  /** A failed LLM call is tried again. */
  static void retry(String provider, String reason) {
    Counter.builder("arena.robot.provider.retries").tag("provider", provider).tag("reason", reason)
        .register(Metrics.globalRegistry).increment();
  }

  /** The provider's rate limits are used up: its calls wait for the reset. */
  static void paused(String provider) {
    Counter.builder("arena.robot.provider.paused").tag("provider", provider).register(Metrics.globalRegistry)
        .increment();
  }

  /** The provider's circuit breaker moved to {@code state} (open, half_open, closed). */
  static void breaker(String provider, String state) {
    Counter.builder("arena.robot.provider.breaker.transitions").tag("provider", provider).tag("state", state)
        .register(Metrics.globalRegistry).increment();
  }

  /** An LLM answer that would have given the robot away was refused. */
  static void revealBlocked(String provider, String persona) {
    Counter.builder("arena.robot.reveals.blocked").tag("provider", provider).tag("persona", persona)
        .register(Metrics.globalRegistry).increment();
  }

  /**
   * Tokens and estimated cost of one LLM call, per provider and persona (both bounded sets); never per robot: a
   * robot id is an unbounded label, and per-robot counters would tick when one particular seat answers.
   */
  static void usage(String provider, String persona, Reply.Usage usage) {
    counter("arena.robot.tokens", null, "provider", provider, "persona", persona, "direction", "input")
        .increment(usage.inputTokens());
    counter("arena.robot.tokens", null, "provider", provider, "persona", persona, "direction", "output")
        .increment(usage.outputTokens());
    cost(provider).increment(usage.costUsd());
  }
}
