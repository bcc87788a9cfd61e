package arena.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.Json;
import arena.shared.events.Envelope;
import arena.shared.events.RobotCommand;
import arena.shared.kafka.RecordDecoder.Decoded;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Decoding on the consumer's polling thread: never a throw, poison with its text kept, unused types untouched. */
class RecordDecoderTest {
  private final RecordDecoder decoder = new RecordDecoder(Map.of("p.robot-commands", Topic.ROBOT_COMMANDS));
  private final String forget = Json.write(Envelope.of("forget.match", "test", "robot-1",
      new RobotCommand.ForgetMatch("c1", "robot-1", "m1"), "corr", null));

  @Test
  void aRecordDecodesToItsEnvelopeWithItsTextKept() {
    Decoded read = decoder.deserialize("p.robot-commands", bytes(forget));
    assertThat(read.envelope().payload()).isEqualTo(new RobotCommand.ForgetMatch("c1", "robot-1", "m1"));
    assertThat(read.value()).isEqualTo(forget);
    assertThat(read.poison()).isNull();
  }

  @Test
  void aValueThatDoesNotDecodeComesOutAsPoisonWithItsText() {
    Decoded read = decoder.deserialize("p.robot-commands", bytes("{broken"));
    assertThat(read.envelope()).isNull();
    assertThat(read.poison()).hasMessageContaining("not JSON");
    assertThat(read.value()).isEqualTo("{broken");
  }

  @Test
  void aTombstoneStaysNull() {
    assertThat(decoder.deserialize("p.robot-commands", new RecordHeaders(), (byte[]) null)).isNull();
  }

  @Test
  void aTypeTheReaderNeverUsesIsPassedOverByItsHeaderUndecoded() {
    // Given a reader of vote commands only
    decoder.unused("p.robot-commands", Set.of("forget.match", "generate.response"));
    RecordHeaders typed = new RecordHeaders();
    typed.add("ce_type", bytes("forget.match"));

    // When / Then: even a broken value under that header is not looked at; without the header it is decoded
    assertThat(decoder.deserialize("p.robot-commands", typed, bytes("{broken"))).isSameAs(Decoded.UNUSED);
    assertThat(decoder.deserialize("p.robot-commands", new RecordHeaders(), bytes(forget)).envelope()).isNotNull();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
