package arena.fakellm;

import arena.shared.config.ArenaConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The fake LLM as a role of the launcher, configured by the {@code fakeLlm} section. */
public final class FakeLlmVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FakeLlmVerticle.class);

  private FakeLlm llm;

  public FakeLlmVerticle() {
  }

  @Override
  public Future<?> start() {
    FakeLlmSettings settings = FakeLlmSettings.from(ArenaConfig.of(config()));
    return FakeLlm.start(vertx, settings).onSuccess(started -> {
      llm = started;
      log.info("fake LLM listening: OpenAI base URL {}, Anthropic base URL {}", started.openAiBaseUrl(),
          started.anthropicBaseUrl());
    });
  }

  @Override
  public Future<?> stop() {
    return llm == null ? Future.succeededFuture() : llm.close();
  }
}
