package arena.launcher.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The suite's child processes: each a {@code java -jar} of the project's own jar with a small heap, its output
 * appended to a log file of its own. Every child is killed when the suite ends, however it ends (a shutdown hook
 * as well as {@link #close()}).
 */
final class Children implements AutoCloseable {
  /** One process that can be killed, stopped and started again with the same command line (same ports, same data). */
  final class Child {
    final String name;
    final List<String> args;
    final String heap;
    final Path log;
    private Process process;
    int starts;

    private Child(String name, String heap, List<String> args) {
      this.name = name;
      this.heap = heap;
      this.args = List.copyOf(args);
      this.log = logDir.resolve(name + ".log");
    }

    synchronized void start() {
      if (alive()) {
        return;
      }
      List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xss512k", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=" + logback, "-jar", jar.toString()));
      command.addAll(args);
      try {
        Files.writeString(log, "=== " + Instant.now() + " start #" + (++starts) + ": " + String.join(" ", command)
            + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
    }

    synchronized boolean alive() {
      return process != null && process.isAlive();
    }

    /** kill -9: no shutdown hook, no last commit. */
    void kill() {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p != null) {
        p.destroyForcibly();
        await(p, 30);
        note("killed (SIGKILL)");
      }
    }

    /** Sends a signal by name (STOP pauses the whole JVM, CONT resumes it); returns whether it was delivered. */
    boolean signal(String name) {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p == null || !p.isAlive()) {
        return false;
      }
      try {
        boolean sent = new ProcessBuilder("kill", "-" + name, String.valueOf(p.pid())).start().waitFor() == 0;
        note(sent ? "sent SIG" + name : "could not send SIG" + name);
        return sent;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** SIGTERM, and kill -9 when it has not exited within {@code seconds}; returns whether it stopped by itself. */
    boolean stop(int seconds) {
      Process p;
      synchronized (this) {
        p = process;
      }
      if (p == null || !p.isAlive()) {
        return true;
      }
      p.destroy();
      boolean clean = await(p, seconds);
      if (!clean) {
        p.destroyForcibly();
        await(p, 30);
      }
      note(clean ? "stopped (SIGTERM), exit " + p.exitValue() : "did not stop within " + seconds + " s of SIGTERM: "
          + "killed");
      return clean;
    }

    /** What this child wrote to its log so far (the suite reads consumer client ids from it). */
    String logText() {
      try {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
      } catch (IOException e) {
        return "";
      }
    }

    private void note(String what) {
      try {
        Files.writeString(log, "=== " + Instant.now() + " " + what + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        // the note is for a reader; the process state is what counts
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final String java = ProcessHandle.current().info().command().orElse("java");
  private final Path jar;
  private final Path logDir;
  private final Path logback;
  private final List<Child> all = new CopyOnWriteArrayList<>();
  private final Thread hook = new Thread(this::killAll, "faults-children-killer");

  Children(Path jar, Path logDir) {
    this.jar = jar.toAbsolutePath();
    this.logDir = logDir;
    try {
      Files.createDirectories(logDir);
      logback = logDir.resolve("logback.xml");
      // As the jar's own logging, plus the consumer coordinator: its lines name each consumer's client id and the
      // partitions it is given, so the suite can tell which JVM owns a match.
      Files.writeString(logback, """
          <configuration>
            <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
              <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder>
            </appender>
            <logger name="org.apache.kafka" level="WARN"/>
            <logger name="org.apache.kafka.clients.consumer.internals.ConsumerCoordinator" level="INFO"/>
            <logger name="kafka" level="WARN"/>
            <logger name="state.change.logger" level="WARN"/>
            <logger name="io.netty" level="WARN"/>
            <root level="INFO"><appender-ref ref="OUT"/></root>
          </configuration>
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(hook);
  }

  Child add(String name, String heap, List<String> args) {
    Child child = new Child(name, heap, args);
    all.add(child);
    return child;
  }

  List<Child> all() {
    return List.copyOf(all);
  }

  private void killAll() {
    all.forEach(c -> {
      Process p = c.process;
      if (p != null) {
        p.destroyForcibly();
      }
    });
    all.forEach(c -> {
      Process p = c.process;
      if (p != null) {
        await(p, 10);
      }
    });
  }

  private static boolean await(Process p, int seconds) {
    try {
      return p.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }
}
