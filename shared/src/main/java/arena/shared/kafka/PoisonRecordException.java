package arena.shared.kafka;

import java.util.Optional;

/**
 * A record that can never be processed: it cannot be decoded, or a handler found it invalid. It is parked on the
 * dead-letter topic and the consumer goes on; any other failure is retried.
 */
public class PoisonRecordException extends RuntimeException {
  public PoisonRecordException(String reason, Throwable cause) {
    super(reason, cause);
  }

  public PoisonRecordException(String reason) {
    super(reason);
  }

  /** The poison in {@code failure}'s cause chain, if any. */
  public static Optional<PoisonRecordException> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PoisonRecordException poison) {
        return Optional.of(poison);
      }
    }
    return Optional.empty();
  }
}
