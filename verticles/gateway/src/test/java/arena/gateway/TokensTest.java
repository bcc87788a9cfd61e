package arena.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokensTest {

  @Test
  void theHashIsLowercaseHexSha256OfTheTokenText() {
    // Known vector: SHA-256("abc")
    assertThat(Tokens.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void aTokenIs32RandomBytesInBase64Url() {
    // When many tokens are made
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      tokens.add(Tokens.newToken());
    }

    // Then they are all different, 43 base64url characters (32 bytes, no padding)
    assertThat(tokens).hasSize(200).allSatisfy(t -> assertThat(t).matches("[A-Za-z0-9_-]{43}"));
  }

  @Test
  void aTokenIsReadFromABearerHeader() {
    String token = Tokens.newToken();

    assertThat(Tokens.fromAuthorization("Bearer " + token)).contains(token);
    assertThat(Tokens.fromAuthorization("bearer " + token)).contains(token);
    assertThat(Tokens.fromAuthorization(null)).isEmpty();
    assertThat(Tokens.fromAuthorization("")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer short",
      "Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=", "Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+a",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void aMalformedHeaderIsA401(String header) {
    assertThatThrownBy(() -> Tokens.fromAuthorization(header))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(401));
  }
}
