package io.kadapt.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus process ({@code /usr/bin/prometheus}) started on the shipped scrape configuration with
 * only its targets and intervals rewritten, queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Rewrites the shipped config so every scrape job has the one static target {@code target} (in place of the
     * compose service's DNS discovery) and scrapes run every second,
     * writes it under {@code workDir} and starts Prometheus on it.
     */
    static PrometheusServer start(Path binary, Path shippedConfig, String target, Path workDir) throws Exception {
        ObjectNode config = (ObjectNode) OpsFiles.yaml(shippedConfig);
        ObjectNode global = config.has("global") ? (ObjectNode) config.get("global") : config.putObject("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        for (JsonNode scrape : config.withArray("scrape_configs")) {
            ((ObjectNode) scrape).remove("scrape_interval");
            ((ObjectNode) scrape).remove("dns_sd_configs");
            ((ObjectNode) scrape).putArray("static_configs").addObject().putArray("targets").add(target);
        }
        // Rule files stay the shipped ones: relative paths resolve against the shipped config's directory.
        if (config.has("rule_files")) {
            ArrayNode rules = config.putArray("rule_files");
            for (JsonNode file : OpsFiles.yaml(shippedConfig).path("rule_files")) {
                rules.add(shippedConfig.getParent().resolve(file.asText()).toString());
            }
        }
        Path configFile = workDir.resolve("prometheus.yml");
        OpsFiles.YAML.writeValue(configFile.toFile(), config);
        int port = freePort();
        Path log = workDir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, port, log);
        server.awaitReady(Duration.ofSeconds(30));
        return server;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + OpsFiles.text(log));
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("prometheus not ready after " + timeout + ": " + OpsFiles.text(log));
    }

    /** The {@code data} of an instant query; throws when Prometheus rejects the expression. */
    JsonNode query(String promql) throws Exception {
        HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = OpsFiles.JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException("prometheus rejected " + promql + ": " + response.body());
        }
        return body.get("data");
    }

    /** The alerting rules Prometheus has loaded, by name, with their state ({@code /api/v1/rules}). */
    java.util.Map<String, String> alertingRules() throws Exception {
        JsonNode body = OpsFiles.JSON.readTree(get("/api/v1/rules?type=alert").body());
        java.util.Map<String, String> rules = new java.util.TreeMap<>();
        for (JsonNode group : body.path("data").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.put(rule.path("name").asText(), rule.path("state").asText());
            }
        }
        return rules;
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
