package io.kadapt.cli;

import io.kadapt.service.KadaptService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/** One line of progress read from the service's own meters. */
final class StatusLine {
    private StatusLine() {
    }

    static void print(KadaptService service) {
        MeterRegistry registry = service.metrics().registry();
        double accuracy = gauge(registry, "kadapt.target.accuracy");
        System.out.printf("kadapt: step %d | target accuracy (recent feedback) %s | predictions %.0f | loss %.4f"
                        + " | MMD %.4f | dead letters %.0f%n",
                service.metrics().modelStep(), Double.isNaN(accuracy) ? "n/a" : String.format("%.1f%%", 100 * accuracy),
                counter(registry.find("kadapt.predictions")), gauge(registry.find("kadapt.loss").tag("term", "total")),
                gauge(registry, "kadapt.domain.discrepancy"), counter(registry.find("kadapt.dlq.records")));
    }

    private static double gauge(MeterRegistry registry, String name) {
        return gauge(registry.find(name));
    }

    private static double gauge(Search search) {
        var gauge = search.gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private static double counter(Search search) {
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
