package io.kadapt.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which {@link TransferEngine} computes a model's steps. Configuration names are the lower-case constant names.
 * Every engine reads and writes the same snapshots, so a model may change engine between restarts.
 */
public enum EngineChoice {
    /** The hand-written engine when it covers every configured term, otherwise SameDiff (one log line says why). */
    AUTO,
    /** The hand-written engine; a spec with a term it does not cover is rejected. */
    FAST,
    /** SameDiff's automatic differentiation: covers every term, several times slower per step. */
    SAMEDIFF;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration name; the message lists the accepted names. */
    public static EngineChoice fromConfigName(String configName) {
        for (EngineChoice choice : values()) {
            if (choice.configName().equals(configName)) {
                return choice;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + configName + "', expected one of "
                + Arrays.stream(values()).map(EngineChoice::configName).collect(Collectors.joining(", ")));
    }
}
