package arena.shared.events;

/** The shape of one match, fixed at creation. */
public record MatchSettings(
    int seats, int humans, int rounds, int responseSeconds, int voteSeconds, int intermissionSeconds) {

  public int robots() {
    return seats - humans;
  }
}
