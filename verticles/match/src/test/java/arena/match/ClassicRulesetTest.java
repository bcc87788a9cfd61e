package arena.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassicRulesetTest {
  private final Ruleset rules = new ClassicRuleset();

  // Ann and Bob are human; r1 and r2 are robots.
  private final Map<String, String> letters = Map.of("ann", "A", "bob", "B", "r1", "C", "r2", "D");
  private final Set<String> humans = Set.of("ann", "bob");
  // Unless a test says otherwise, everyone answered.
  private final Set<String> everyone = letters.keySet();

  private static Map<String, String> votes(String... pairs) {
    Map<String, String> votes = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      votes.put(pairs[i], pairs[i + 1]);
    }
    return votes;
  }

  @Test
  void votersFindingHumansRobotsFoolingVotersAndHumansBlendingIn() {
    // Given ann spots bob, bob falls for r1, r1 spots ann and r2 also picks r1
    Map<String, String> votes = votes("ann", "B", "bob", "C", "r1", "A", "r2", "C");

    // When the round is scored
    Map<String, Integer> points = rules.score(letters, everyone, votes, humans);

    // Then r1 (two votes) is the most voted, so both humans blend in
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of(
        "ann", 1 + 2,   // spotted a human, blended in
        "bob", 2,       // voted a robot, blended in
        "r1", 1 + 2,    // spotted a human, fooled two voters
        "r2", 0));
  }

  @Test
  void aHumanAmongTheMostVotedGetsNoBlendingBonus() {
    // Given everyone else votes for ann
    Map<String, String> votes = votes("bob", "A", "r1", "A", "r2", "A", "ann", "D");

    // When
    Map<String, Integer> points = rules.score(letters, everyone, votes, humans);

    // Then ann is the most voted; bob stays hidden; r2 fooled ann
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of(
        "ann", 0, "bob", 1 + 2, "r1", 1, "r2", 1 + 1));
  }

  @Test
  void tiesAtTheTopAllCountAsMostVoted() {
    // Given five seats where ann (human) and r1 (robot) get two votes each and bob gets one
    Map<String, String> five = Map.of("ann", "A", "bob", "B", "r1", "C", "r2", "D", "r3", "E");
    Map<String, String> votes = votes("bob", "A", "r2", "A", "ann", "C", "r3", "C", "r1", "B");

    // When
    Map<String, Integer> points = rules.score(five, five.keySet(), votes, humans);

    // Then ann shares the top and gets no bonus; bob is below it and blends in
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of(
        "ann", 0,        // voted a robot, among the most voted
        "bob", 1 + 2,    // spotted ann, blended in
        "r1", 1 + 2,     // spotted bob, fooled two
        "r2", 1,         // spotted ann
        "r3", 0));
  }

  @Test
  void twoHumansTiedAtTheTopBothMissTheBonus() {
    // Given ann and bob get two votes each
    Map<String, String> votes = votes("ann", "B", "r1", "B", "bob", "A", "r2", "A");

    // When
    Map<String, Integer> points = rules.score(letters, everyone, votes, humans);

    // Then every voter spotted a human and nobody blended in
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 1, "bob", 1, "r1", 1, "r2", 1));
  }

  @Test
  void aTieOfEveryoneWithOneVoteLeavesNoHumanHidden() {
    // Given a cycle where everyone gets exactly one vote (ann and r2 spot humans, r1 and r2 fool one each)
    Map<String, String> votes = votes("ann", "B", "bob", "C", "r1", "D", "r2", "A");

    // When
    Map<String, Integer> points = rules.score(letters, everyone, votes, humans);

    // Then every participant is most voted, so no human blends in
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 1, "bob", 0, "r1", 1, "r2", 1 + 1));
  }

  @Test
  void noVotesAtAllMeansNobodyIsMostVoted() {
    // Given nobody voted
    // When
    Map<String, Integer> points = rules.score(letters, everyone, Map.of(), humans);

    // Then both humans blend in and robots get nothing
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 2, "bob", 2, "r1", 0, "r2", 0));
  }

  @Test
  void aHumanWhoDidNotAnswerGainsNoHidingPoints() {
    // Given bob gave no answer, so nobody could vote for him, and the others voted for r1
    Set<String> answered = Set.of("ann", "r1", "r2");
    Map<String, String> votes = votes("ann", "C", "bob", "C", "r2", "C");

    // When
    Map<String, Integer> points = rules.score(letters, answered, votes, humans);

    // Then ann, who answered and was not most voted, hides; bob, silent, does not; his vote still counts for r1
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 2, "bob", 0, "r1", 3, "r2", 0));
  }

  @Test
  void withNoAnswersAndNoVotesNobodyScores() {
    // Given a round where nobody answered or voted
    Map<String, Integer> points = rules.score(letters, Set.of(), Map.of(), humans);

    // Then no human hid: a missing answer earns nothing
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 0, "bob", 0, "r1", 0, "r2", 0));
  }

  @Test
  void missingVotesSimplyEarnNothing() {
    // Given only r2 voted, for ann
    Map<String, Integer> points = rules.score(letters, everyone, votes("r2", "A"), humans);

    // Then r2 spotted a human, ann is the most voted, bob blended in
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 0, "bob", 2, "r1", 0, "r2", 1));
  }

  @Test
  void aHumanVotingForAHumanScoresAndRobotsScorePerVote() {
    // Given the humans vote for each other and the robots vote for each other
    Map<String, String> votes = votes("ann", "B", "bob", "A", "r1", "D", "r2", "C");

    // When
    Map<String, Integer> points = rules.score(letters, everyone, votes, humans);

    // Then each human spotted a human, each robot fooled one voter, and with one vote each nobody blended in
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 1, "bob", 1, "r1", 1, "r2", 1));
  }

  @Test
  void selfVotesUnknownLettersAndOutsidersCountForNothing() {
    // Given a self vote, a vote for a letter nobody has, and a vote from someone not seated
    Map<String, String> votes = votes("ann", "A", "bob", "Z", "ghost", "A", "r1", null);

    // When
    Map<String, Integer> points = rules.score(letters, everyone, votes, humans);

    // Then it is as if nobody voted
    assertThat(points).containsExactlyInAnyOrderEntriesOf(Map.of("ann", 2, "bob", 2, "r1", 0, "r2", 0));
  }
}
