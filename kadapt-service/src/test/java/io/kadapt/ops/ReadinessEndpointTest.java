package io.kadapt.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.config.KadaptConfig;
import io.kadapt.service.KadaptService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready}, what the Kubernetes readiness probe and the Docker HEALTHCHECK use, on a real
 * instance: 503 while Kafka Streams is starting, 200 while RUNNING, 503 again once it stops running.
 */
@Tag("broker")
class ReadinessEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** A status that was not an HTTP response: the server was not (or no longer) listening. */
    private static final int UNREACHABLE = -1;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // a hang guard only: the waits below are state-based
    @DisplayName("/health/ready: 503 before Kafka Streams is RUNNING, 200 while RUNNING, 503 while closing")
    void readinessFollowsStreamsState() throws Exception {
        // The HTTP server starts before Kafka Streams, on a port we choose so we can poll while start() runs.
        int port = PrometheusServer.freePort();
        KadaptConfig config = KadaptConfig.of(Map.of("embedded.port", "0", "http.port", Integer.toString(port),
                "embedded.data-dir", dataDir.toString(), "model.input-dim", "3", "model.classes", "2",
                "model.hidden", "8"));

        // Given a service starting in another thread, polled throughout
        ReadinessPoller whileStarting = new ReadinessPoller(port);
        CompletableFuture<KadaptService> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return KadaptService.start(config, Duration.ofMinutes(5));
            } finally {
                whileStarting.stop();
            }
        });
        long t0 = System.nanoTime();
        whileStarting.run();
        KadaptService service = starting.get(6, TimeUnit.MINUTES);
        System.out.printf("readiness: RUNNING %d ms after start%n", (System.nanoTime() - t0) / 1_000_000);
        try {
            // Then its first answer, before Kafka Streams reached RUNNING, was 503
            List<Integer> startStatuses = whileStarting.answered();
            assertTrue(!startStatuses.isEmpty() && startStatuses.get(0) == 503,
                    "503 while starting: " + whileStarting.statuses);

            // And 200 while RUNNING
            assertEquals(KafkaStreams.State.RUNNING, service.state());
            assertEquals(200, status(port, "/health/ready"));
            assertEquals(200, status(port, "/health/live"));
        } catch (Throwable failure) {
            service.close(Duration.ofSeconds(10));
            throw failure;
        }

        // When it closes: Kafka Streams leaves RUNNING (PENDING_SHUTDOWN) while the HTTP server still answers
        ReadinessPoller whileClosing = new ReadinessPoller(port);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                whileClosing.awaitFirstPoll();
                service.close(Duration.ofSeconds(30));
            } finally {
                whileClosing.stop();
            }
        });
        t0 = System.nanoTime();
        whileClosing.run();
        closing.get(5, TimeUnit.MINUTES);
        System.out.printf("readiness: closed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        // Then readiness turned 503 before the server went away, and never back to 200 after that
        List<Integer> closeStatuses = whileClosing.answered();
        int first503 = closeStatuses.indexOf(503);
        assertTrue(first503 >= 0, "503 while closing: " + whileClosing.statuses);
        assertTrue(closeStatuses.subList(first503, closeStatuses.size()).stream().allMatch(s -> s == 503),
                "stays 503: " + whileClosing.statuses);
        assertEquals(UNREACHABLE, status(port, "/health/ready"), "server closed");
        System.out.println("readiness while starting " + whileStarting.statuses + ", while closing "
                + whileClosing.statuses + " (-1: not listening)");
    }

    /** Polls /health/ready as fast as it answers until stopped, recording every status. */
    private static final class ReadinessPoller {
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final java.util.concurrent.CountDownLatch firstPoll = new java.util.concurrent.CountDownLatch(1);
        final List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());

        ReadinessPoller(int port) {
            this.port = port;
        }

        void run() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (running.get() && System.nanoTime() < deadline) {
                int status = status(port, "/health/ready");
                if (statuses.isEmpty() || statuses.get(statuses.size() - 1) != status) {
                    statuses.add(status); // transitions only: the list stays short and readable
                }
                firstPoll.countDown();
                Thread.sleep(status == UNREACHABLE ? 20 : 2);
            }
        }

        void awaitFirstPoll() {
            try {
                firstPoll.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            running.set(false);
        }

        /** The HTTP statuses seen, in order, without the polls that found no server. */
        List<Integer> answered() {
            synchronized (statuses) {
                return statuses.stream().filter(s -> s != UNREACHABLE).toList();
            }
        }
    }

    private static int status(int port, String path) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListening) {
            return UNREACHABLE;
        }
    }
}
