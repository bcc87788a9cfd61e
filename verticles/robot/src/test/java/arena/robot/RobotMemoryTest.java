package arena.robot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RobotMemoryTest {
  private final AtomicLong now = new AtomicLong(0);

  @Test
  void keeps_the_last_entries_of_a_match_in_order() {
    // Given
    RobotMemory memory = new RobotMemory(3, 100, 60_000, now::get);

    // When
    for (int round = 1; round <= 5; round++) {
      memory.remember("r1", "m1", new RobotMemory.Entry(round, "prompt " + round, "answer " + round));
    }

    // Then
    assertThat(memory.recall("r1", "m1")).extracting(RobotMemory.Entry::round).containsExactly(3, 4, 5);
    assertThat(memory.recall("r1", "other")).isEmpty();
    assertThat(memory.recall("r2", "m1")).isEmpty();
  }

  @Test
  void a_second_answer_for_a_round_replaces_the_first() {
    // Given
    RobotMemory memory = new RobotMemory(10, 100, 60_000, now::get);
    memory.remember("r1", "m1", new RobotMemory.Entry(1, "p", "first"));

    // When
    memory.remember("r1", "m1", new RobotMemory.Entry(1, "p", "second"));

    // Then
    assertThat(memory.recall("r1", "m1")).extracting(RobotMemory.Entry::answer).containsExactly("second");
  }

  @Test
  void forgets_one_robots_match_when_told_and_keeps_the_rest() {
    // Given
    RobotMemory memory = new RobotMemory(10, 100, 60_000, now::get);
    memory.remember("r1", "m1", new RobotMemory.Entry(1, "p", "a"));
    memory.remember("r1", "m2", new RobotMemory.Entry(1, "p", "a"));
    memory.remember("r2", "m1", new RobotMemory.Entry(2, "p", "a"));

    // When m1 completes for r1, and again (a re-delivered command)
    memory.forget("r1", "m1");
    memory.forget("r1", "m1");

    // Then
    assertThat(memory.recall("r1", "m1")).isEmpty();
    assertThat(memory.recall("r1", "m2")).hasSize(1);
    assertThat(memory.recall("r2", "m1")).hasSize(1);
    assertThat(memory.size()).isEqualTo(2);
  }

  @Test
  void forgets_matches_left_alone_too_long() {
    // Given
    RobotMemory memory = new RobotMemory(10, 100, 60_000, now::get);
    memory.remember("r1", "old", new RobotMemory.Entry(1, "p", "a"));
    now.set(50_000);
    memory.remember("r1", "fresh", new RobotMemory.Entry(1, "p", "a"));

    // When an hour-equivalent passes for the old one only
    now.set(70_000);

    // Then
    assertThat(memory.recall("r1", "old")).isEmpty();
    assertThat(memory.recall("r1", "fresh")).hasSize(1);
    assertThat(memory.size()).isEqualTo(1);
  }

  @Test
  void holds_a_bounded_number_of_matches_dropping_the_least_recently_used() {
    // Given
    RobotMemory memory = new RobotMemory(10, 2, 60_000, now::get);
    memory.remember("r1", "m1", new RobotMemory.Entry(1, "p", "a"));
    memory.remember("r1", "m2", new RobotMemory.Entry(1, "p", "a"));
    memory.recall("r1", "m1");

    // When
    memory.remember("r1", "m3", new RobotMemory.Entry(1, "p", "a"));

    // Then
    assertThat(memory.size()).isEqualTo(2);
    assertThat(memory.recall("r1", "m2")).isEmpty();
    assertThat(memory.recall("r1", "m1")).hasSize(1);
  }
}
