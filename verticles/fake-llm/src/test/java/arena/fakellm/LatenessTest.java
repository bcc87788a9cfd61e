package arena.fakellm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenessTest {
  private static final long MS = 1_000_000;

  @Test
  void nothingYetIsAllZero() {
    assertThat(new Lateness(10).summary()).isEqualTo(new Stats.Late(0, 0, 0, 0));
  }

  @Test
  void percentilesOfTheLatestReplies() {
    // Given room for 100 and 100 replies late by 1 to 100 ms
    Lateness late = new Lateness(100);
    for (int i = 100; i >= 1; i--) {
      late.add(i * MS);
    }

    // Then
    assertThat(late.summary()).isEqualTo(new Stats.Late(100, 50, 99, 100));
  }

  @Test
  void onlyTheLatestCountOnceFull() {
    // Given room for 4: 1000 ms late, then four replies 1 to 4 ms late
    Lateness late = new Lateness(4);
    late.add(1000 * MS);
    for (int i = 1; i <= 4; i++) {
      late.add(i * MS);
    }

    // Then the oldest is forgotten
    assertThat(late.summary()).isEqualTo(new Stats.Late(4, 2, 4, 4));
  }

  @Test
  void clearedStartsAfresh() {
    Lateness late = new Lateness(4);
    late.add(7 * MS);
    late.clear();
    assertThat(late.summary()).isEqualTo(new Stats.Late(0, 0, 0, 0));
  }
}
