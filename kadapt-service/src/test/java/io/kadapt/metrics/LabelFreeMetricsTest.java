package io.kadapt.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Domain;
import io.kadapt.monitor.LabelFreeSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The label-free gauges under their Prometheus names (README "Metrics"), as /metrics renders them. */
@Tag("unit")
class LabelFreeMetricsTest {

    @Test
    @DisplayName("label-free gauges: NaN until the first snapshot, then its values; class ratios appear with it")
    void gaugesUnderTheirPrometheusNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AdaptationMetrics metrics = new AdaptationMetrics(registry, List.of("malformed_json"));

        Map<String, Double> before = scrape(registry);
        for (String series : List.of("kadapt_target_prediction_entropy", "kadapt_target_information_maximisation",
                "kadapt_target_snd", "kadapt_shadow_disagreement_ratio", "kadapt_source_prequential_accuracy",
                "kadapt_input_drift{domain=\"source\"}",
                "kadapt_input_drift{domain=\"target\"}")) {
            assertTrue(before.containsKey(series), series + " in " + before.keySet());
            assertTrue(before.get(series).isNaN(), series);
        }
        assertFalse(before.keySet().stream().anyMatch(s -> s.startsWith("kadapt_predicted_class_ratio")));

        metrics.labelFree(new LabelFreeSnapshot(256, 0.31, 0.72, 4.9, List.of(0.5, 0.25, 0.25),
                Map.of(Domain.SOURCE, 0.01, Domain.TARGET, 0.4), 0.125, 0.875));
        Map<String, Double> after = scrape(registry);
        assertEquals(0.31, after.get("kadapt_target_prediction_entropy"));
        assertEquals(0.72, after.get("kadapt_target_information_maximisation"));
        assertEquals(4.9, after.get("kadapt_target_snd"));
        assertEquals(0.125, after.get("kadapt_shadow_disagreement_ratio"));
        assertEquals(0.875, after.get("kadapt_source_prequential_accuracy"));
        assertEquals(0.01, after.get("kadapt_input_drift{domain=\"source\"}"));
        assertEquals(0.4, after.get("kadapt_input_drift{domain=\"target\"}"));
        assertEquals(0.5, after.get("kadapt_predicted_class_ratio{class=\"0\"}"));
        assertEquals(0.25, after.get("kadapt_predicted_class_ratio{class=\"2\"}"));
        // the batch entropy of the training step is a different gauge and stays untouched
        assertTrue(after.get("kadapt_target_entropy").isNaN());
    }

    /** Series (name plus label set as printed) → value, from the Prometheus text format. */
    static Map<String, Double> scrape(PrometheusMeterRegistry registry) {
        Map<String, Double> series = new HashMap<>();
        for (String line : registry.scrape().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }
}
