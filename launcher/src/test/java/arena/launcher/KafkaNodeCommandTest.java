package arena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code kafka} command's refusals; the fault suite runs three of them as a real cluster. */
class KafkaNodeCommandTest {

  @Test
  void aNodeOfSeveralNeedsTheClusterId() {
    // Given a node of a 3-voter quorum started without the cluster's id
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new Main()).setErr(new PrintWriter(err));

    // When it runs
    int code = command.execute("kafka", "--node-id", "2", "--port", "0", "--controller-port", "0",
        "--voters", "1@127.0.0.1:19093,2@127.0.0.1:19094,3@127.0.0.1:19095", "--data-dir", "target/never-made");

    // Then it refuses, saying why, before touching any folder
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("--cluster-id is needed");
    assertThat(new java.io.File("target/never-made")).doesNotExist();
  }

  @Test
  void aNodeNeedsItsIdPortsAndFolder() {
    // Given the kafka command without its node id
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new Main()).setErr(new PrintWriter(err));

    // When it runs
    int code = command.execute("kafka", "--port", "19092", "--controller-port", "19093", "--data-dir", "x");

    // Then the usage error names the missing option
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("--node-id");
  }
}
