package arena.shared.kafka;

import arena.shared.events.Event;
import arena.shared.events.MatchCommand;
import arena.shared.events.MatchEvent;
import arena.shared.events.OrchestrationEvent;
import arena.shared.events.RobotCommand;
import arena.shared.events.RobotResponse;
import arena.shared.state.MatchState;
import arena.shared.state.PoolState;
import arena.shared.state.RobotTally;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every topic of the game: its name, what its key is, whether it is compacted, and the event types it
 * carries. Each event class belongs to exactly one topic, and each topic has a single writer.
 */
public enum Topic {
  MATCH_COMMANDS("match-commands", "matchId", false, Map.of(
      "match.create", MatchCommand.Create.class,
      "player.join", MatchCommand.Join.class,
      "response.submit", MatchCommand.SubmitResponse.class,
      "vote.submit", MatchCommand.SubmitVote.class)),
  MATCH_EVENTS("match-events", "matchId", false, ordered(
      "match.created", MatchEvent.Created.class,
      "player.joined", MatchEvent.PlayerJoined.class,
      "match.started", MatchEvent.Started.class,
      "round.starting", MatchEvent.RoundStarting.class,
      "round.robots_needed", MatchEvent.RobotsNeeded.class,
      "round.started", MatchEvent.RoundStarted.class,
      "round.voting_started", MatchEvent.VotingStarted.class,
      "round.completed", MatchEvent.RoundCompleted.class,
      "match.completed", MatchEvent.Completed.class,
      "match.expired", MatchEvent.Expired.class,
      "match.cancelled", MatchEvent.Cancelled.class,
      "command.accepted", MatchEvent.CommandAccepted.class,
      "command.rejected", MatchEvent.CommandRejected.class)),
  ROBOT_ORCHESTRATION_EVENTS("robot-orchestration-events", "matchId or robotId", false, Map.of(
      "round.robots_assigned", OrchestrationEvent.RobotsAssigned.class,
      "round.robots_unavailable", OrchestrationEvent.RobotsUnavailable.class,
      "robot.instantiated", OrchestrationEvent.RobotInstantiated.class,
      "robot.released", OrchestrationEvent.RobotReleased.class,
      "robot.pool_scaled", OrchestrationEvent.PoolScaled.class)),
  ROBOT_COMMANDS("robot-commands", "robotId", false, Map.of(
      "generate.response", RobotCommand.GenerateResponse.class,
      "generate.vote", RobotCommand.GenerateVote.class,
      "forget.match", RobotCommand.ForgetMatch.class)),
  ROBOT_RESPONSES("robot-responses", "matchId", false, Map.of(
      "response.submitted", RobotResponse.ResponseSubmitted.class,
      "vote.submitted", RobotResponse.VoteSubmitted.class,
      "robot.response_complete", RobotResponse.ResponseComplete.class,
      // Here rather than on a topic of their own: the robot workers are this topic's writers, and the orchestrator
      // already reads every partition of it (the Match Service skips records without a match).
      "robot.health_check", RobotResponse.HealthCheck.class)),
  MATCH_STATE("match-state", "matchId", true, Map.of("match.state", MatchState.class)),
  /** The pool in pieces ({@link PoolState}); {@code pool.state} is the whole pool as written before, read only. */
  ROBOT_POOL_STATE("robot-pool-state", "robotId, queue/<correlationId>, finished/<matchId>/<round> or summary", true,
      ordered(
          "pool.robot", PoolState.PooledRobot.class,
          "pool.waiting", PoolState.Waiting.class,
          "pool.finished_round", PoolState.FinishedRound.class,
          "pool.summary", PoolState.Summary.class,
          "pool.state", PoolState.class)),
  /** The orchestrator's robot performance: one record per robot, persona type and A/B arm, rewritten on change. */
  ROBOT_STATS("robot-stats", "robot:<robotId>, persona:<type> or arm:<strategy>", true,
      Map.of("robot.tally", RobotTally.class)),
  /** Records no consumer could read, with provenance headers; nothing reads it automatically. */
  DEAD_LETTERS("dead-letters", "the original key", false, Map.of());

  private final String baseName;
  private final String key;
  private final boolean compacted;
  private final Map<String, Class<? extends Event>> types;

  Topic(String baseName, String key, boolean compacted, Map<String, Class<? extends Event>> types) {
    this.baseName = baseName;
    this.key = key;
    this.compacted = compacted;
    this.types = Collections.unmodifiableMap(types);
  }

  /** The topic's name on the broker; a prefix keeps several games (or tests) apart on one cluster. */
  public String name(String prefix) {
    return prefix + baseName;
  }

  public String baseName() {
    return baseName;
  }

  public String key() {
    return key;
  }

  public boolean compacted() {
    return compacted;
  }

  /** The event types this topic carries, by name. */
  public Map<String, Class<? extends Event>> eventTypes() {
    return types;
  }

  public Optional<Class<? extends Event>> classOf(String eventType) {
    return Optional.ofNullable(types.get(eventType));
  }

  /** The event type name of a payload, and the topic it belongs on. */
  public static Registration registrationOf(Class<? extends Event> cls) {
    Registration registration = REGISTRATIONS.get(cls);
    if (registration == null) {
      throw new IllegalArgumentException(cls.getName() + " is not registered with any topic");
    }
    return registration;
  }

  /** Every event class's registration, looked up once per record published. */
  private static final Map<Class<? extends Event>, Registration> REGISTRATIONS = registrations();

  private static Map<Class<? extends Event>, Registration> registrations() {
    Map<Class<? extends Event>, Registration> byClass = new HashMap<>();
    for (Topic topic : values()) {
      topic.types.forEach((eventType, cls) -> byClass.put(cls, new Registration(topic, eventType)));
    }
    return Map.copyOf(byClass);
  }

  public record Registration(Topic topic, String eventType) {}

  @SuppressWarnings("unchecked")
  private static Map<String, Class<? extends Event>> ordered(Object... pairs) {
    Map<String, Class<? extends Event>> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Class<? extends Event>) pairs[i + 1]);
    }
    return map;
  }
}
