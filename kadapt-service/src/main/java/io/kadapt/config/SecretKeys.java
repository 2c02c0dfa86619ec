package io.kadapt.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Which configuration values are secrets, and how they are shown: as Kafka shows its own, {@value #HIDDEN}. A key is
 * secret when the Kafka clients or Kafka Streams type it as PASSWORD (sasl.jaas.config, ssl.key.password, …), or when
 * its name says so (password, secret, jaas, token, credential, key material), whatever component reads it. A key
 * that names where a secret lives ({@code …file}, {@code …location}, {@code …path}) is not one.
 */
public final class SecretKeys {
    /** Kafka's placeholder for a hidden value ({@code org.apache.kafka.common.config.types.Password}). */
    public static final String HIDDEN = "[hidden]";

    private static final Pattern SECRET_NAME = Pattern.compile(
            "password|secret|jaas|token|credential|keystore\\.key|private[._-]?key|key[._-]material|api[._-]?key");
    private static final Pattern LOCATION_NAME = Pattern.compile("(file|location|path)$");
    private static final List<ConfigDef> KAFKA_DEFINITIONS = List.of(ProducerConfig.configDef(),
            ConsumerConfig.configDef(), AdminClientConfig.configDef(), StreamsConfig.configDef());

    private SecretKeys() {
    }

    /** Whether {@code key} (a kadapt key, or {@code kafka.}-prefixed Kafka setting) holds a secret. */
    public static boolean isSecret(String key) {
        String name = key.startsWith(KadaptConfig.KAFKA_PREFIX) ? key.substring(KadaptConfig.KAFKA_PREFIX.length()) : key;
        if (LOCATION_NAME.matcher(name.toLowerCase(Locale.ROOT)).find()) {
            return false;
        }
        if (SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).find()) {
            return true;
        }
        String unprefixed = stripClientPrefix(name);
        return KAFKA_DEFINITIONS.stream().map(d -> d.configKeys().get(unprefixed))
                .anyMatch(k -> k != null && k.type == ConfigDef.Type.PASSWORD);
    }

    /** The value as it may be shown: {@value #HIDDEN} for a secret. */
    public static String shown(String key, String value) {
        return isSecret(key) ? HIDDEN : value;
    }

    /** Every value as it may be shown. */
    public static Map<String, String> redacted(Map<String, String> values) {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((key, value) -> shown.put(key, shown(key, value)));
        return shown;
    }

    /** {@code producer.}, {@code main.consumer.} and the other Kafka Streams client prefixes name the same settings. */
    private static String stripClientPrefix(String name) {
        for (String prefix : List.of(StreamsConfig.PRODUCER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX,
                StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX,
                StreamsConfig.CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX)) {
            if (name.startsWith(prefix)) {
                return name.substring(prefix.length());
            }
        }
        return name;
    }
}
