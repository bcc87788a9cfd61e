package arena.launcher.faults;

import arena.shared.kafka.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows {@code match-events} and {@code robot-commands} live, from their end when it starts, so a fault can be
 * fired at the moment something happens (a round started, robots asked for, a robot given work).
 */
final class Watch implements AutoCloseable {
  private record Trigger(Predicate<Seen> when, CompletableFuture<Seen> fired) {}

  private final Topics topics;
  private final List<Trigger> triggers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private volatile boolean running = true;

  Watch(Topics topics) {
    this.topics = topics;
    this.thread = new Thread(this::loop, "faults-watch");
    thread.setDaemon(true);
    thread.start();
    try {
      started.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the watch could not start", e);
    }
  }

  /** The first record from now on that matches, or empty if none comes within {@code within}. */
  Optional<Seen> await(Predicate<Seen> when, Duration within) {
    Trigger trigger = new Trigger(when, new CompletableFuture<>());
    triggers.add(trigger);
    try {
      return Optional.of(trigger.fired().get(within.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      triggers.remove(trigger);
    }
  }

  private void loop() {
    try (KafkaConsumer<String, String> consumer = topics.consumer()) {
      List<TopicPartition> parts = topics.partitions(consumer, Topic.MATCH_EVENTS, Topic.ROBOT_COMMANDS);
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      started.complete(null);
      while (running) {
        try {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
            Seen seen = topics.decode(r);
            if (seen != null) {
              triggers.forEach(t -> {
                if (t.when().test(seen)) {
                  t.fired().complete(seen);
                }
              });
            }
          }
        } catch (RuntimeException e) {
          // the cluster may be down on purpose; the consumer reconnects by itself
          Pause.of(Duration.ofMillis(500));
        }
      }
    } catch (RuntimeException e) {
      started.completeExceptionally(e);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
