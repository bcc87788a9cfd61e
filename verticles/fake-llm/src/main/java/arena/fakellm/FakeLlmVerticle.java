package arena.fakellm;

import arena.shared.config.ArenaConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The fake LLM as a role of the launcher, configured by the {@code fakeLlm} section. */
public final class FakeLlmVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FakeLlmVerticle.class);

  public FakeLlmVerticle() {
  }

  @Override
  public Future<?> start() {
    ArenaConfig cfg = ArenaConfig.of(config());
    FakeLlmSettings settings = FakeLlmSettings.from(cfg);
    int eventLoops = cfg.integer("fakeLlm.eventLoops");
    // Its servers are deployed from here, so Vert.x undeploys them with this verticle: no stop() of its own.
    return FakeLlm.start(vertx, settings, eventLoops).onSuccess(started -> log.info(
        "fake LLM listening on {} event loop(s): OpenAI base URL {}, Anthropic base URL {}", eventLoops,
        started.openAiBaseUrl(), started.anthropicBaseUrl()));
  }
}
