package arena.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** A command run in the test's JVM: its exit code and what it printed (echoed, so the figures stay in the build log). */
record CommandRun(int exit, String printed) {

  static CommandRun of(Object command, String... args) {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = new CommandLine(command).execute(args);
    } finally {
      System.setOut(out);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    return new CommandRun(exit, text);
  }
}
