package arena.shared;

import arena.shared.events.LlmUsage;
import arena.shared.events.OrchestrationEvent;
import arena.shared.state.MatchState;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The one JSON mapper: every record on every topic and every HTTP body goes through it. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      // A record missing a field is malformed, not silently zero: it goes to the dead-letter topic.
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      // Newer producers may add fields; old readers keep working.
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // What an older record means by leaving out a field marked @AddedLater, by the field's type.
      .setInjectableValues(new InjectableValues.Std()
          .addValue(LlmUsage.class, LlmUsage.NONE)
          .addValue(MatchState.Usage.class, MatchState.Usage.NONE)
          .addValue(long.class, 0L)
          .addValue(List.class, List.of())
          .addValue(Map.class, Map.of())
          .addValue(Instant.class, Instant.EPOCH)
          .addValue(String.class, null)
          .addValue(OrchestrationEvent.RobotReleased.Reason.class, OrchestrationEvent.RobotReleased.Reason.ROUND_OVER));

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }
}
