package io.kadapt.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.client.SampleProducer;
import io.kadapt.config.KadaptConfig;
import io.kadapt.demo.DemoFeed;
import io.kadapt.demo.DomainShiftStream;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL expression of the shipped Grafana dashboard, evaluated by a real Prometheus that scrapes a real
 * kadapt fed with the demo stream, using the scrape configuration shipped in docker/. A panel naming a metric
 * kadapt does not export returns no data and fails here.
 */
@Tag("broker")
class DashboardQueriesTest {
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    /** Grafana's built-in interval variables, replaced the way Grafana would for a 15 s scrape interval. */
    private static final Map<String, String> GRAFANA_INTERVALS = Map.of(
            "$__rate_interval", "1m", "$__interval", "15s", "$__range", "5m");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
    @DisplayName("every dashboard query returns data from Prometheus scraping a kadapt running the demo stream")
    void everyDashboardQueryReturnsData() throws Exception {
        Path prometheusBinary = OpsFiles.requireTool("prometheus", "apt-get install prometheus");
        JsonNode dashboard = OpsFiles.json(OpsFiles.DASHBOARD);
        List<PanelQuery> queries = panelQueries(dashboard);
        assertFalse(queries.isEmpty(), "dashboard has no queries");

        // Given kadapt on an embedded broker with the demo's model shape, fed the demo's domain-shift stream
        KadaptConfig config = KadaptConfig.of(Map.of(
                "embedded.port", "0", "http.port", "0", "embedded.data-dir", dir.resolve("kadapt").toString(),
                "model.input-dim", Integer.toString(DomainShiftStream.FEATURES),
                "model.classes", Integer.toString(DomainShiftStream.CLASSES),
                "model.hidden", "32,16", "train.learning-rate", "0.003"));
        try (KadaptService service = KadaptService.start(config, Duration.ofSeconds(90));
             SampleProducer producer = new SampleProducer(service.bootstrapServers(), Topics.from(config))) {
            DemoFeed feed = new DemoFeed(producer, new DomainShiftStream(7, 50), 50, 20);
            Thread feeder = new Thread(feed, "demo-feed");
            feeder.start();
            // And a real Prometheus scraping it with the shipped config
            String target = "localhost:" + service.httpPort();
            try (PrometheusServer prometheus = PrometheusServer.start(prometheusBinary, OpsFiles.PROMETHEUS_CONFIG,
                    target, dir)) {
                // When training has taken steps and feedback labels have been scored
                awaitNonEmpty(prometheus, "kadapt_model_step > 1", Duration.ofSeconds(90));
                awaitNonEmpty(prometheus, "kadapt_target_accuracy >= 0", Duration.ofSeconds(60));

                // Then the template variables resolve to the scraped job and instance
                Map<String, String> variables = templateVariables(prometheus, dashboard);
                assertEquals(target, variables.get("instance"));

                // And Prometheus loaded every shipped alerting rule (the alert panels' source)
                assertEquals(new TreeSet<>(AlertRulesTest.alertNames()), prometheus.alertingRules().keySet());

                // And every panel query returns data, except the alert-state series, which by definition cannot on a
                // healthy demo (see below) and must still be valid PromQL
                List<String> failures = new ArrayList<>();
                for (PanelQuery query : queries) {
                    String promql = substitute(query.expr(), variables);
                    boolean exempt = ALERT_STATE.matcher(promql).find();
                    boolean data = returnsData(prometheus, promql, exempt ? Duration.ZERO : Duration.ofSeconds(20));
                    if (!data && !exempt) {
                        failures.add(query.panel() + ": " + promql);
                    }
                }
                assertTrue(failures.isEmpty(), "dashboard queries without data:\n" + String.join("\n", failures));

                // And every metric an alert rule reads has series here: a misspelt or renamed metric would leave its
                // rule silent forever (KadaptTrainerLag once read a gauge that never existed)
                List<String> silent = new ArrayList<>();
                for (String metric : AlertRulesTest.alertMetrics()) {
                    if (!returnsData(prometheus, "count({__name__=\"" + metric + "\"})", Duration.ofSeconds(20))) {
                        silent.add(metric);
                    }
                }
                assertTrue(silent.isEmpty(), "alert rules read metrics kadapt does not export: " + silent);

                // Negative control: the same check on a metric kadapt does not export finds nothing
                assertFalse(returnsData(prometheus, substitute(
                        "kadapt_not_exported{job=\"$job\", instance=~\"$instance\"}", variables), Duration.ZERO));
            } finally {
                feed.stop();
                feeder.join(5000);
            }
        }
    }

    record PanelQuery(String panel, String expr) {
    }

    /** Every target expression of every panel, nested row panels included. */
    static List<PanelQuery> panelQueries(JsonNode dashboard) {
        List<PanelQuery> queries = new ArrayList<>();
        collect(dashboard.path("panels"), queries);
        return queries;
    }

    private static void collect(JsonNode panels, List<PanelQuery> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                into.add(new PanelQuery(panel.path("title").asText(), target.path("expr").asText()));
            }
            collect(panel.path("panels"), into);
        }
    }

    /** Resolves each query variable as Grafana would ({@code label_values(metric, label)}), in order. */
    private static Map<String, String> templateVariables(PrometheusServer prometheus, JsonNode dashboard)
            throws Exception {
        Map<String, String> resolved = new LinkedHashMap<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String name = variable.path("name").asText();
            String definition = variable.path("query").path("query").asText(variable.path("query").asText());
            Matcher matcher = LABEL_VALUES.matcher(definition);
            assertTrue(matcher.matches(), "variable " + name + " is not label_values(metric, label): " + definition);
            String series = substitute(matcher.group(1), resolved);
            Set<String> values = new TreeSet<>();
            for (JsonNode result : prometheus.query(series).path("result")) {
                String value = result.path("metric").path(matcher.group(2)).asText("");
                if (!value.isEmpty()) {
                    values.add(value);
                }
            }
            assertEquals(1, values.size(), "variable " + name + " (" + series + ") values: " + values);
            resolved.put(name, values.iterator().next());
        }
        assertEquals(Set.of("job", "instance"), resolved.keySet(), "template variables");
        return resolved;
    }

    /** Replaces {@code $name} variables (values regex-quoted for {@code =~}) and Grafana's interval variables. */
    static String substitute(String expr, Map<String, String> variables) {
        String result = expr;
        for (Map.Entry<String, String> interval : GRAFANA_INTERVALS.entrySet()) {
            result = result.replace(interval.getKey(), interval.getValue());
        }
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            String quoted = variable.getValue().replaceAll("[.*+?^${}()|\\[\\]\\\\]", "\\\\\\\\$0");
            result = result.replace("=~\"$" + variable.getKey() + "\"", "=~\"" + quoted + "\"")
                    .replace("$" + variable.getKey(), variable.getValue());
        }
        if (result.contains("$")) {
            fail("unresolved variable in " + expr + " -> " + result);
        }
        return result;
    }

    /**
     * The regression error gauges are NaN for a classifier by definition, so their panels cannot show a number in
     * this (classification) run; their export is checked by KadaptServiceBrokerTest, their values by
     * RegressionTopologyTest.
     */
    private static final Pattern REGRESSION_ONLY = Pattern.compile("kadapt_target_(mae|rmse)\\b");

    /**
     * The raw alert series: empty while no kadapt alert is pending or firing, as on this healthy demo; the rules
     * behind it are checked loaded above and tested by AlertRulesTest. The count panel ("or vector(0)") has data.
     */
    private static final Pattern ALERT_STATE = Pattern.compile("^max by \\(alertname, alertstate, domain\\) \\(ALERTS\\{");

    private static boolean returnsData(PrometheusServer prometheus, String promql, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean nanAllowed = REGRESSION_ONLY.matcher(promql).find();
        while (true) {
            if (hasData(prometheus.query(promql), nanAllowed)) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(1000);
        }
    }

    /** A series with a number: NaN (what an empty rate or a NaN gauge evaluates to) is no data unless allowed. */
    static boolean hasData(JsonNode data, boolean nanAllowed) {
        JsonNode result = data.path("result");
        List<JsonNode> values = new ArrayList<>();
        if ("scalar".equals(data.path("resultType").asText())) {
            values.add(result.path(1));
        } else {
            result.forEach(series -> values.add(series.path("value").path(1)));
        }
        return values.stream().anyMatch(v -> !v.isMissingNode() && (nanAllowed || !"NaN".equals(v.asText())));
    }

    @Test
    @DisplayName("a query result counts as data only with a number: NaN series do not, unless the panel is regression-only")
    void nanIsNoData() throws Exception {
        JsonNode nan = OpsFiles.JSON.readTree(
                "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1.0,\"NaN\"]}]}");
        JsonNode number = OpsFiles.JSON.readTree("{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
                + "\"value\":[1.0,\"NaN\"]},{\"metric\":{\"a\":\"b\"},\"value\":[1.0,\"0.5\"]}]}");
        JsonNode empty = OpsFiles.JSON.readTree("{\"resultType\":\"vector\",\"result\":[]}");
        JsonNode scalar = OpsFiles.JSON.readTree("{\"resultType\":\"scalar\",\"result\":[1.0,\"2\"]}");
        assertFalse(hasData(nan, false));
        assertTrue(hasData(nan, true));
        assertTrue(hasData(number, false));
        assertFalse(hasData(empty, true));
        assertTrue(hasData(scalar, false));
        assertTrue(REGRESSION_ONLY.matcher("kadapt_target_rmse{job=\"kadapt\"}").find());
        assertFalse(REGRESSION_ONLY.matcher("kadapt_target_accuracy").find());
    }

    private static void awaitNonEmpty(PrometheusServer prometheus, String promql, Duration timeout) throws Exception {
        assertTrue(returnsData(prometheus, promql, timeout), "no data for " + promql + " after " + timeout);
    }
}
