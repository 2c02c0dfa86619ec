package io.kadapt.config;

/** A configuration value is missing or invalid; the message names the key and what is expected. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
