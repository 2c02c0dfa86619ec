package io.kadapt.loss;

/**
 * A configuration key of one loss term, declared by the term itself (see {@link LossCatalogue}).
 *
 * @param key          the full key, e.g. {@code loss.mmd.bandwidth}
 * @param defaultValue the default; empty means unset (a λ key then falls back to {@code loss.lambda})
 * @param description  one sentence for the configuration table in README.md
 */
public record TermKey(String key, String defaultValue, String description) {
    public TermKey {
        if (!key.startsWith("loss.") || defaultValue == null || description == null || description.isBlank()) {
            throw new IllegalArgumentException("a term key starts with 'loss.' and has a default and a description: "
                    + key);
        }
    }
}
