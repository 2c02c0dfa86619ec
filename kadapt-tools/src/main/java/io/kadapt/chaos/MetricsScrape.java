package io.kadapt.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One scrape of a kadapt's {@code /metrics} (Prometheus text format), summed by metric name. */
public record MetricsScrape(String text) {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static MetricsScrape fetch(URI metrics) {
        try {
            return new MetricsScrape(HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + metrics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping " + metrics, e);
        }
    }

    /**
     * Sum over every series of {@code name} whose labels contain {@code labelFilter} (e.g. {@code area="heap"}); 0 when
     * there is none. Only for metrics registered on first use (the per-store restore and standby counters), where
     * "no series yet" does mean 0; for every other metric use {@link #require}, so a renamed or unregistered metric
     * fails instead of reading as 0.
     */
    public double sum(String name, String labelFilter) {
        return find(name, labelFilter).orElse(0);
    }

    public double sum(String name) {
        return sum(name, "");
    }

    /** {@link #sum(String)}, but IllegalStateException if /metrics has no series of {@code name}. */
    public double require(String name) {
        return require(name, "");
    }

    /** {@link #sum(String, String)}, but IllegalStateException if no series of {@code name} matches the filter. */
    public double require(String name, String labelFilter) {
        return find(name, labelFilter).orElseThrow(() -> new IllegalStateException("no series " + name
                + (labelFilter.isEmpty() ? "" : " with " + labelFilter) + " on /metrics"));
    }

    private java.util.OptionalDouble find(String name, String labelFilter) {
        double total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (line.substring(0, space).contains(labelFilter)) {
                total += Double.parseDouble(line.substring(space + 1));
                found = true;
            }
        }
        return found ? java.util.OptionalDouble.of(total) : java.util.OptionalDouble.empty();
    }
}
