package io.kadapt.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.config.KadaptConfig;
import io.kadapt.config.SecretKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets set through every route (the command line's --set, the environment, the config file) never leave the
 * process: not in /info, /metrics, the logs or what the console shows; and /info needs the bearer token.
 */
@Tag("broker")
class SecretsTest {
    private static final String FROM_FLAG = "flag-jaas-secret-4711";
    private static final String FROM_ENV = "env-keystore-secret-0815";
    private static final String FROM_FILE = "file-truststore-secret-2342";
    private static final String TOKEN = "http-token-9c1e";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    @DisplayName("flag, env and file secrets: hidden in /info, absent from /metrics and the logs; /info needs the token")
    void secretsNeverLeave() throws Exception {
        Path file = dir.resolve("kadapt.properties");
        Files.writeString(file, "kafka.ssl.truststore.password=" + FROM_FILE + "\n");
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Map<String, String> environment = Map.of("KADAPT_KAFKA_SSL_KEYSTORE_PASSWORD", FROM_ENV);
        Map<String, String> flags = Map.of("kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
                        + FROM_FLAG + "\";",
                "embedded.port", "0", "http.port", "0", "embedded.data-dir", dir.resolve("data").toString(),
                "model.input-dim", "3", "model.classes", "2", "model.hidden", "8",
                "http.token-file", tokenFile.toString(), "http.bind", "127.0.0.1");
        KadaptConfig config = KadaptConfig.load(Map.of(), file, environment, flags);
        assertEquals(FROM_ENV, config.asMap().get("kafka.ssl.keystore.password"), "the environment route works");

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8);
        String info;
        String unauthorised;
        int unauthorisedStatus;
        String metrics;
        System.setOut(capture);
        System.setErr(capture);
        try (KadaptService service = KadaptService.start(config, Duration.ofMinutes(2))) {
            URI base = URI.create("http://127.0.0.1:" + service.httpPort());
            HttpResponse<String> denied = get(base.resolve("/info"), null);
            unauthorisedStatus = denied.statusCode();
            unauthorised = denied.body();
            HttpResponse<String> allowed = get(base.resolve("/info"), "Bearer " + TOKEN);
            assertEquals(200, allowed.statusCode());
            info = allowed.body();
            assertEquals(401, get(base.resolve("/info"), "Bearer wrong-token").statusCode());
            HttpResponse<String> scrape = get(base.resolve("/metrics"), null);
            assertEquals(200, scrape.statusCode(), "/metrics stays open for scrapers");
            metrics = scrape.body();
            assertEquals(200, get(base.resolve("/health/ready"), null).statusCode(), "probes stay open");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals(401, unauthorisedStatus, unauthorised);
        assertTrue(info.contains("\"kafka.sasl.jaas.config\" : \"" + SecretKeys.HIDDEN + "\""), info);
        assertTrue(info.contains("\"kafka.ssl.keystore.password\" : \"" + SecretKeys.HIDDEN + "\""), info);
        assertTrue(info.contains("\"kafka.ssl.truststore.password\" : \"" + SecretKeys.HIDDEN + "\""), info);
        String logs = console.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("embedded Kafka broker at"), "the console was captured: " + logs);
        for (String secret : List.of(FROM_FLAG, FROM_ENV, FROM_FILE, TOKEN)) {
            for (Map.Entry<String, String> output : Map.of("/info", info, "/info without token", unauthorised,
                    "/metrics", metrics, "console and logs", logs).entrySet()) {
                assertFalse(output.getValue().contains(secret), secret + " leaked into " + output.getKey());
            }
        }
    }

    @Test
    @DisplayName("Kafka's PASSWORD-typed settings and secret-looking names are secret; ordinary settings are not")
    void whatCountsAsSecret() {
        for (String key : List.of("kafka.sasl.jaas.config", "kafka.ssl.key.password", "kafka.ssl.keystore.key",
                "kafka.producer.ssl.truststore.password", "kafka.sasl.oauthbearer.client.credentials.client.secret",
                "kafka.basic.auth.user.info.token", "kafka.schema.registry.api.key")) {
            assertTrue(SecretKeys.isSecret(key), key);
        }
        for (String key : List.of("kafka.linger.ms", "kafka.ssl.keystore.location", "model.hidden", "topics.source",
                "kafka.security.protocol", "http.token-file")) {
            assertFalse(SecretKeys.isSecret(key), key);
        }
    }

    private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
