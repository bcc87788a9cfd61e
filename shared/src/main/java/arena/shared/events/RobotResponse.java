package arena.shared.events;

import java.util.List;
import java.util.Map;

/**
 * What robots publish on {@code robot-responses} (key matchId, a health check keyed by its worker); the robot
 * workers are the only writers.
 */
public sealed interface RobotResponse extends Event {

  record ResponseSubmitted(String matchId, int round, String robotId, String identity, String text,
      String commandId) implements RobotResponse {}

  record VoteSubmitted(String matchId, int round, String robotId, String identity, String vote, String commandId)
      implements RobotResponse {}

  /**
   * One finished piece of robot work, for the orchestrator's bookkeeping and cost accounting.
   *
   * @param model        the LLM model that was called, null when none was
   * @param inputTokens  tokens sent to the model (0 without a call)
   * @param outputTokens tokens the model wrote
   * @param costUsd      their estimated price (conf/prices.json), counted even when the reply was refused
   */
  record ResponseComplete(String robotId, String matchId, int round, String commandId, String kind,
      String provider, long latencyMs, boolean fallback, String model, int inputTokens, int outputTokens,
      double costUsd) implements RobotResponse {}

  /**
   * One robot-worker JVM's health, every {@code pool.health.intervalSeconds} (key {@code workerId}). The robots it
   * hosts are those whose id Kafka's default partitioner puts on one of its {@code partitions} of
   * {@code robot-commands} ({@code partitionCount} partitions in all); {@code robots} lists the ones it was given
   * work for lately. {@code personas} names each persona type's provider, {@code providers} how each provider did
   * over the worker's recent window.
   */
  record HealthCheck(String workerId, int partitionCount, List<Integer> partitions, List<String> robots,
      Map<String, String> personas, Map<String, ProviderHealth> providers) implements RobotResponse {
    @Override
    public String matchId() {
      return null;
    }
  }

  /**
   * A provider at one worker: its circuit breaker ({@code closed}, {@code open}, {@code half_open}), and over the
   * recent window how many answers and votes it was asked for, how many failed (the scripted stand-in answered),
   * and the 90th percentile of their latency in ms (0 without calls).
   */
  record ProviderHealth(String breaker, int calls, int errors, long latencyMs) {}
}
