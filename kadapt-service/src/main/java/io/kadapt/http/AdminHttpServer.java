package io.kadapt.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's HTTP surface: {@code /metrics} (Prometheus text), {@code /health/live},
 * {@code /health/ready} (200 only while Kafka Streams is RUNNING) and {@code /info}. The JDK's server is
 * enough for four read-only endpoints and adds no dependency. Probes and scrapers need {@code /metrics} and
 * {@code /health/*} without credentials; every other endpoint takes a bearer token when one is configured.
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    private AdminHttpServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param token the bearer token of the protected endpoints; empty: they are open
     */
    public static AdminHttpServer start(String bind, int port, Optional<BearerToken> token,
                                        PrometheusMeterRegistry registry, BooleanSupplier ready,
                                        Supplier<Map<String, Object>> info) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        } catch (BindException e) {
            throw new IllegalStateException("http port " + port + " on " + bind + " is not free; pass --http-port", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
        server.createContext("/health/live", exchange -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/health/ready", exchange -> {
            boolean isReady = ready.getAsBoolean();
            respond(exchange, isReady ? 200 : 503, "application/json",
                    "{\"status\":\"" + (isReady ? "UP" : "DOWN") + "\"}");
        });
        server.createContext("/info", exchange -> {
            if (authorised(exchange, token)) {
                respond(exchange, 200, "application/json",
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info.get()));
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "kadapt-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return new AdminHttpServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** True when the request may proceed; otherwise it has been answered 401. */
    private static boolean authorised(HttpExchange exchange, Optional<BearerToken> token) throws IOException {
        if (token.isEmpty() || token.get().matches(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"kadapt\"");
        respond(exchange, 401, "application/json", "{\"error\":\"a bearer token is required\"}");
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
