package arena.launcher;

import arena.shared.ops.ContextMdc;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** How log lines are written: {@code plain} (the default, logback.xml) or {@code json} (logback-json.xml). */
public enum LogFormat {
  plain("logback.xml"),
  json("logback-json.xml");

  private final String resource;

  LogFormat(String resource) {
    this.resource = resource;
  }

  /** Reconfigures Logback for this JVM from this format's file. */
  public void use() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logback)) {
      return; // another SLF4J backend: its own configuration decides
    }
    URL config = LogFormat.class.getClassLoader().getResource(resource);
    if (config == null) {
      throw new IllegalStateException(resource + " is missing from the classpath");
    }
    logback.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(logback);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
    }
    ContextMdc.install();
  }
}
