package arena.shared.events;

/**
 * The shape of one match, fixed at creation.
 *
 * @param lobbySeconds when above 0, the match starts this long after its first human joined even if human seats
 *                     are still empty: the humans who came play, and robots take every other seat (quick play)
 * @param quickPlay    listed for quick play, where strangers are put together
 */
public record MatchSettings(int seats, int humans, int rounds, int responseSeconds, int voteSeconds,
    int intermissionSeconds, int lobbySeconds, boolean quickPlay) {

  /** A private match: it waits for all of its humans. */
  public MatchSettings(int seats, int humans, int rounds, int responseSeconds, int voteSeconds,
      int intermissionSeconds) {
    this(seats, humans, rounds, responseSeconds, voteSeconds, intermissionSeconds, 0, false);
  }

  public int robots() {
    return seats - humans;
  }
}
