package arena.robot;

import java.util.List;

/**
 * Asks a provider for a robot's answer to this round's prompt.
 *
 * @param identity the robot's own letter this round
 * @param memory   what the robot said earlier in this match, oldest first
 */
public record AnswerRequest(Persona persona, String matchId, int round, String identity, String prompt,
    List<RobotMemory.Entry> memory) {}
