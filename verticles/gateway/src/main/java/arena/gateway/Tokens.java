package arena.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Player tokens: 32 random bytes in base64url, handed out once at join. Only their SHA-256 travels through
 * Kafka, so a leaked topic never lets anyone play as someone else.
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern BEARER = Pattern.compile("^Bearer +([A-Za-z0-9_-]{43})$", Pattern.CASE_INSENSITIVE);

  private Tokens() {}

  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lowercase hex SHA-256 of the token's text. */
  public static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The token of an Authorization header: empty when there is no header; a header that is not
   * {@code Bearer <token>} is a 401, since the caller meant to authenticate and could not.
   */
  public static Optional<String> fromAuthorization(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    Matcher m = BEARER.matcher(header.trim());
    if (!m.matches()) {
      throw ApiError.unauthorized("malformed Authorization header: expected 'Bearer <token>'");
    }
    return Optional.of(m.group(1));
  }
}
