package io.kadapt.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The service's configuration: defaults, overlaid by a properties file, then environment variables,
 * then explicit overrides (CLI flags and {@code --set}). Keys starting with {@value #KAFKA_PREFIX} are
 * passed, without the prefix, to the Kafka clients and Kafka Streams.
 */
public final class KadaptConfig {
    public static final String KAFKA_PREFIX = "kafka.";
    /**
     * {@code KADAPT_KAFKA_SASL_JAAS_CONFIG} sets {@code kafka.sasl.jaas.config}: Kafka's setting names have dots where
     * the variable has underscores. The way to hand Kafka a secret from a Kubernetes Secret or a vault agent.
     */
    public static final String KAFKA_ENVIRONMENT_PREFIX = "KADAPT_KAFKA_";

    private final Map<String, String> values;

    private KadaptConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Layers the sources, later ones winning: built-in defaults, a command's own defaults (the demo's model
     * shape, say), the file, the environment, the overrides. Rejects unknown keys by name.
     */
    public static KadaptConfig load(Map<String, String> commandDefaults, Path file, Map<String, String> environment,
                                    Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>();
        for (ConfigEntry entry : ConfigEntry.all()) {
            merged.put(entry.key(), entry.defaultValue());
        }
        putChecked(merged, commandDefaults, "command defaults");
        if (file != null) {
            putChecked(merged, readProperties(file), "config file " + file);
        }
        for (ConfigEntry entry : ConfigEntry.all()) {
            String fromEnv = environment.get(entry.environmentVariable());
            if (fromEnv != null) {
                merged.put(entry.key(), fromEnv.trim());
            }
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(KAFKA_ENVIRONMENT_PREFIX) && name.length() > KAFKA_ENVIRONMENT_PREFIX.length()) {
                merged.put(KAFKA_PREFIX + name.substring(KAFKA_ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.'), value.trim());
            }
        });
        putChecked(merged, overrides, "--set");
        return new KadaptConfig(merged);
    }

    /** Defaults plus the given overrides: what tests and embedded tools use. */
    public static KadaptConfig of(Map<String, String> overrides) {
        return load(Map.of(), null, Map.of(), overrides);
    }

    /** A copy with more overrides applied on top. */
    public KadaptConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        putChecked(merged, overrides, "override");
        return new KadaptConfig(merged);
    }

    private static void putChecked(Map<String, String> target, Map<String, String> source, String origin) {
        source.forEach((key, value) -> {
            if (!key.startsWith(KAFKA_PREFIX) && ConfigEntry.byKey(key).isEmpty()) {
                throw new ConfigException("unknown config key '" + key + "' in " + origin
                        + "; see the configuration table in README.md (Kafka settings go under '" + KAFKA_PREFIX + "')");
            }
            target.put(key, value.trim());
        });
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> result = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> result.put(name, properties.getProperty(name)));
        return result;
    }

    public String string(ConfigKey key) {
        return string(key.key());
    }

    /** The value of any key of {@link ConfigEntry#all()}, the loss terms' included. */
    public String string(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no such config key: " + key);
        }
        return value;
    }

    public boolean isSet(ConfigKey key) {
        return isSet(key.key());
    }

    public boolean isSet(String key) {
        return !string(key).isEmpty();
    }

    public String required(ConfigKey key) {
        return required(key.key());
    }

    private String required(String key) {
        String value = string(key);
        if (value.isEmpty()) {
            ConfigEntry entry = ConfigEntry.byKey(key).orElseThrow();
            throw new ConfigException(key + " is required (" + entry.description() + ") — set it with --set "
                    + key + "=..., " + entry.environmentVariable() + " or the config file");
        }
        return value;
    }

    public int integer(ConfigKey key) {
        return parse(key.key(), Integer::parseInt, "an integer");
    }

    public int positiveInteger(ConfigKey key) {
        int value = integer(key);
        if (value <= 0) {
            throw invalid(key.key(), "a positive integer");
        }
        return value;
    }

    public long longValue(ConfigKey key) {
        return parse(key.key(), Long::parseLong, "an integer");
    }

    public double decimal(ConfigKey key) {
        return decimal(key.key());
    }

    public double decimal(String key) {
        double value = parse(key, Double::parseDouble, "a number");
        if (!Double.isFinite(value)) {
            throw invalid(key, "a finite number");
        }
        return value;
    }

    public double decimalInRange(ConfigKey key, double minInclusive, double maxExclusive) {
        double value = decimal(key);
        if (value < minInclusive || value >= maxExclusive) {
            throw invalid(key.key(), "a number in [" + minInclusive + ", " + maxExclusive + ")");
        }
        return value;
    }

    public boolean bool(ConfigKey key) {
        String value = string(key);
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw invalid(key.key(), "true or false");
    }

    public List<String> list(ConfigKey key) {
        List<String> items = new ArrayList<>();
        for (String item : string(key).split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    public <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
        String value = string(key).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw invalid(key.key(), "one of " + Arrays.toString(type.getEnumConstants()).toLowerCase());
    }

    /** The {@code kafka.*} pass-through settings, without the prefix. */
    public Map<String, String> kafkaOverrides() {
        Map<String, String> result = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                result.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        });
        return result;
    }

    /** Every effective value, secrets included: for the Kafka clients, never for display. */
    public Map<String, String> asMap() {
        return values;
    }

    /** Every effective value with secrets as {@value SecretKeys#HIDDEN}: for /info, logs and messages. */
    public Map<String, String> redacted() {
        return SecretKeys.redacted(values);
    }

    private <T> T parse(String key, Function<String, T> parser, String expected) {
        try {
            return parser.apply(required(key));
        } catch (NumberFormatException e) {
            throw invalid(key, expected);
        }
    }

    private ConfigException invalid(String key, String expected) {
        return new ConfigException(key + " must be " + expected + ", got '" + SecretKeys.shown(key, string(key)) + "'");
    }
}
