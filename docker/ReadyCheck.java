import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The image's HEALTHCHECK, run by the JRE itself (a JRE image need not have curl): exits 0 when the admin listener's
 * {@code GET /ready} answers 200, else 1. The port is {@code ARENA_ADMIN_PORT}, the one the launcher reads too.
 */
public final class ReadyCheck {
  private ReadyCheck() {
  }

  public static void main(String[] args) {
    String port = System.getenv().getOrDefault("ARENA_ADMIN_PORT", "9090");
    try {
      HttpURLConnection ready = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/ready").toURL()
          .openConnection();
      ready.setConnectTimeout(2000);
      ready.setReadTimeout(3000);
      int status = ready.getResponseCode();
      System.out.println("GET /ready: " + status);
      System.exit(status == 200 ? 0 : 1);
    } catch (IOException e) {
      System.out.println("GET /ready: " + e);
      System.exit(1);
    }
  }
}
