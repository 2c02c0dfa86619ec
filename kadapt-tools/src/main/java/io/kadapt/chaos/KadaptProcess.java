package io.kadapt.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code kadapt run} as a child JVM, with the address of its {@code /metrics} once it is RUNNING. */
final class KadaptProcess implements AutoCloseable {
    /** The child's banner once Kafka Streams is RUNNING (see {@code ServiceBanner}); the next line names the port. */
    static final String RUNNING_LINE = "kadapt: running.";
    private static final String METRICS_LINE = "kadapt: metrics ";
    /**
     * The service's main class, named rather than linked: the harness drives kadapt as a user does, through its
     * command line in another process, and so does not depend on the {@code cli} package.
     */
    static final String MAIN_CLASS = "io.kadapt.cli.KadaptCli";

    private final ChildJvm jvm;
    private URI metrics;

    private KadaptProcess(ChildJvm jvm) {
        this.jvm = jvm;
    }

    /** {@code kadapt run} against {@code bootstrap} with a free HTTP port and {@code settings} as {@code --set}s. */
    static List<String> runArguments(String bootstrap, Map<String, String> settings) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrap, "--http-port", "0"));
        settings.forEach((key, value) -> {
            args.add("--set");
            args.add(key + "=" + value);
        });
        return args;
    }

    /** Launches the child; {@link #awaitRunning} waits for it. */
    static KadaptProcess launch(List<String> jvmOptions, List<String> args, Path log) {
        return new KadaptProcess(ChildJvm.start("kadapt", jvmOptions, MAIN_CLASS, args, log));
    }

    void awaitRunning(Duration timeout) throws InterruptedException {
        jvm.awaitLine(RUNNING_LINE, timeout);
        String line = jvm.awaitLine(METRICS_LINE, Duration.ofSeconds(10));
        metrics = URI.create(line.substring(METRICS_LINE.length()).split("\\s+")[0]);
    }

    ChildJvm jvm() {
        return jvm;
    }

    MetricsScrape scrape() {
        return MetricsScrape.fetch(metrics);
    }

    /** Whether {@code /health/ready} answers 200 (Kafka Streams RUNNING). */
    boolean ready() {
        try {
            return MetricsScrape.HTTP.send(HttpRequest.newBuilder(metrics.resolve("/health/ready")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        jvm.close();
    }
}
