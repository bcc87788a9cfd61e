package arena.fakellm;

import static org.assertj.core.api.Assertions.assertThat;

import arena.shared.config.ArenaConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeLlmVerticleTest {

  @Test
  void theVerticleServesOnTheConfiguredPort() throws Exception {
    // Given the default configuration on a free port
    Vertx vertx = Vertx.vertx();
    int port = freePort();
    JsonObject config = ArenaConfig.defaults();
    config.getJsonObject("fakeLlm").put("port", port);

    try {
      // When
      vertx.deployVerticle(FakeLlmVerticle.class.getName(), new DeploymentOptions().setConfig(config))
          .await(10, TimeUnit.SECONDS);

      // Then
      int status = WebClient.create(vertx).get(port, "127.0.0.1", "/v1/models").send()
          .await(10, TimeUnit.SECONDS).statusCode();
      assertThat(status).isEqualTo(200);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
