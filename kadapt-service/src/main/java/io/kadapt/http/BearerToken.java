package io.kadapt.http;

import io.kadapt.config.ConfigException;
import io.kadapt.config.ConfigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The token of the protected HTTP endpoints. It comes from a file or an environment variable, never from a flag
 * (flags show in {@code ps}); it is compared in constant time, and its {@code toString} does not show it.
 */
public final class BearerToken {
    /** The environment variable that can hold the token instead of {@code http.token-file}. */
    public static final String ENVIRONMENT_VARIABLE = "KADAPT_HTTP_TOKEN";

    private final byte[] expected;

    private BearerToken(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** The token of {@code http.token-file} (first line, trimmed) or else of the variable; empty when neither is set. */
    public static Optional<BearerToken> from(String tokenFile, String environmentValue) {
        String token = null;
        if (!tokenFile.isEmpty()) {
            try {
                token = Files.readAllLines(Path.of(tokenFile), StandardCharsets.UTF_8).stream().findFirst()
                        .orElse("").trim();
            } catch (IOException e) {
                throw new ConfigException(ConfigKey.HTTP_TOKEN_FILE.key() + ": cannot read " + tokenFile + " ("
                        + e.getClass().getSimpleName() + ")");
            }
            if (token.isEmpty()) {
                throw new ConfigException(ConfigKey.HTTP_TOKEN_FILE.key() + ": " + tokenFile + " is empty");
            }
        } else if (environmentValue != null && !environmentValue.isBlank()) {
            token = environmentValue.trim();
        }
        return Optional.ofNullable(token).map(BearerToken::new);
    }

    /** Whether an {@code Authorization} header carries this token; constant time in the header's content. */
    public boolean matches(String authorizationHeader) {
        if (authorizationHeader == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, authorizationHeader.trim().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BearerToken[hidden]";
    }
}
