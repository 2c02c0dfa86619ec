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

    /** Sum over every series of {@code name} whose labels contain {@code labelFilter} (e.g. {@code area="heap"}). */
    public double sum(String name, String labelFilter) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (line.substring(0, space).contains(labelFilter)) {
                total += Double.parseDouble(line.substring(space + 1));
            }
        }
        return total;
    }

    public double sum(String name) {
        return sum(name, "");
    }
}
