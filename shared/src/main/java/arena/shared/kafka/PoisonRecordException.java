package arena.shared.kafka;

/** A record that can never be processed: it is parked on the dead-letter topic and the consumer goes on. */
public class PoisonRecordException extends RuntimeException {
  public PoisonRecordException(String reason, Throwable cause) {
    super(reason, cause);
  }

  public PoisonRecordException(String reason) {
    super(reason);
  }
}
