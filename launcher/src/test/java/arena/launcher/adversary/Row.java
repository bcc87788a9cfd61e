package arena.launcher.adversary;

import java.util.Map;

/** One letter in one round of one match: what could be observed about it before the reveal, and what it was. */
public record Row(String matchId, int round, String letter, boolean human, Map<String, Double> features) {}
