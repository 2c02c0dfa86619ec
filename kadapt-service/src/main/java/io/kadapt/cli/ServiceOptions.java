package io.kadapt.cli;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every service-running command shares; flags win over {@code --set}, which wins over the file. */
final class ServiceOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with config keys (see README).")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Existing Kafka cluster; without it an embedded broker is started.")
    String bootstrapServers;

    @Option(names = "--embedded-port", paramLabel = "PORT", description = "Port of the embedded broker (default 9092).")
    Integer embeddedPort;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of /metrics, /health/live, /health/ready, /info (default 8080; 0 = any free).")
    Integer httpPort;

    @Mixin
    ConfigOverrides settings;

    KadaptConfig load(Map<String, String> commandDefaults) {
        Map<String, String> overrides = new LinkedHashMap<>(settings.values);
        if (bootstrapServers != null) {
            overrides.put(ConfigKey.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        }
        if (embeddedPort != null) {
            overrides.put(ConfigKey.EMBEDDED_PORT.key(), embeddedPort.toString());
        }
        if (httpPort != null) {
            overrides.put(ConfigKey.HTTP_PORT.key(), httpPort.toString());
        }
        return KadaptConfig.load(commandDefaults, configFile, System.getenv(), overrides);
    }
}
