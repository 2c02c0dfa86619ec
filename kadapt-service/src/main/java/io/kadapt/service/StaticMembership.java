package io.kadapt.service;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The {@code group.instance.id} of this instance (KIP-345 static membership). A SIGKILLed member sends no
 * LeaveGroup; with dynamic membership its replacement waited out {@code session.timeout.ms} (45 s by default)
 * before the group rebalanced. A static member that rejoins under the same id takes its old assignment back at
 * once. Kafka Streams appends each stream thread's index to the id.
 */
final class StaticMembership {
    static final String DYNAMIC = "dynamic";

    private StaticMembership() {
    }

    /**
     * {@code instance.id} as configured, or derived from the host name and the state directory: both are stable
     * across restarts of one instance (a StatefulSet pod, a compose container, a process with a persistent state
     * dir), and two live instances never share a state directory, so the ids differ.
     *
     * @param stateDir the configured state directory, or null for Kafka Streams' default
     */
    static Optional<String> instanceId(KadaptConfig config, Path stateDir) {
        String configured = config.string(ConfigKey.INSTANCE_ID);
        if (configured.equalsIgnoreCase(DYNAMIC)) {
            return Optional.empty();
        }
        if (!configured.isEmpty()) {
            return Optional.of(configured);
        }
        Path dir = stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams");
        CRC32 crc = new CRC32();
        crc.update(dir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        return Optional.of(hostName() + "-" + String.format(Locale.ROOT, "%08x", crc.getValue()));
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "kadapt";
        }
    }
}
