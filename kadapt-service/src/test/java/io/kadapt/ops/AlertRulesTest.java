package io.kadapt.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alerting rules (README "Alerts"): docker/prometheus/alerts.yml under promtool's own unit tests
 * (alerts.test.yml), each rule with a case that fires and one that does not, the k8s PrometheusRule holding the same
 * groups, and the scrape config loading the file.
 */
@Tag("unit")
class AlertRulesTest {
    private static final Pattern METRIC = Pattern.compile("\\bkadapt_[a-z_]+");

    @TempDir
    Path dir;

    @Test
    @DisplayName("promtool check rules and promtool test rules pass on docker/prometheus/alerts.yml")
    void promtoolTestsPass() throws Exception {
        Path promtool = OpsFiles.requireTool("promtool", "apt-get install prometheus");
        Result check = run(promtool, "check", "rules", OpsFiles.ALERT_RULES.toString());
        assertEquals(0, check.exitCode(), check.output());
        Result test = run(promtool, "test", "rules", OpsFiles.ALERT_RULES_TEST.toString());
        assertEquals(0, test.exitCode(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }

    @Test
    @DisplayName("negative control: a rule that never fires fails its promtool test, for every rule")
    void neverFiringRuleFailsItsTest() throws Exception {
        Path promtool = OpsFiles.requireTool("promtool", "apt-get install prometheus");
        Files.copy(OpsFiles.ALERT_RULES_TEST, dir.resolve("alerts.test.yml"));
        for (String alert : alertNames()) {
            JsonNode rules = OpsFiles.yaml(OpsFiles.ALERT_RULES);
            for (JsonNode rule : rules.path("groups").get(0).path("rules")) {
                if (rule.path("alert").asText().equals(alert)) {
                    ((ObjectNode) rule).put("expr", "vector(1) > 2");
                }
            }
            OpsFiles.YAML.writeValue(dir.resolve("alerts.yml").toFile(), rules);
            Result result = run(promtool, "test", "rules", dir.resolve("alerts.test.yml").toString());
            assertNotEquals(0, result.exitCode(), alert + " never firing still passed:\n" + result.output());
        }
    }

    @Test
    @DisplayName("every rule is named Kadapt* (the dashboard's alert panels match that) and has a firing and a quiet case")
    void everyRuleHasBothCases() {
        JsonNode tests = OpsFiles.yaml(OpsFiles.ALERT_RULES_TEST);
        assertEquals(List.of("alerts.yml"), List.of(tests.path("rule_files").get(0).asText()));
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode group : tests.path("tests")) {
            Set<String> instances = new HashSet<>();
            group.path("input_series").forEach(s -> instances.add(instanceOf(s.path("series").asText())));
            for (JsonNode evaluation : group.path("alert_rule_test")) {
                String alert = evaluation.path("alertname").asText();
                Set<String> firing = new HashSet<>();
                evaluation.path("exp_alerts").forEach(a -> firing.add(a.path("exp_labels").path("instance").asText()));
                if (!firing.isEmpty()) {
                    fires.add(alert);
                }
                if (!firing.containsAll(instances)) {
                    quiet.add(alert);  // some instance with input series is expected not to fire
                }
            }
        }
        for (String alert : alertNames()) {
            assertTrue(alert.startsWith("Kadapt"), alert);
            assertTrue(fires.contains(alert), alert + " has no case that fires");
            assertTrue(quiet.contains(alert), alert + " has no case that stays quiet");
        }
    }

    @Test
    @DisplayName("k8s/prometheusrule.yaml holds exactly the groups of docker/prometheus/alerts.yml")
    void kubernetesRuleIsTheSame() {
        List<JsonNode> documents = OpsFiles.yamlDocuments(OpsFiles.K8S.resolve("prometheusrule.yaml"));
        assertEquals(1, documents.size());
        JsonNode rule = documents.get(0);
        assertEquals("PrometheusRule", rule.path("kind").asText());
        assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
        assertEquals(OpsFiles.yaml(OpsFiles.ALERT_RULES), rule.path("spec"),
                "edit docker/prometheus/alerts.yml, then paste its groups into k8s/prometheusrule.yaml");
    }

    @Test
    @DisplayName("the shipped scrape config loads alerts.yml from its own directory")
    void scrapeConfigLoadsTheRules() {
        List<Path> ruleFiles = new ArrayList<>();
        OpsFiles.yaml(OpsFiles.PROMETHEUS_CONFIG).path("rule_files")
                .forEach(f -> ruleFiles.add(OpsFiles.PROMETHEUS_CONFIG.getParent().resolve(f.asText()).normalize()));
        assertEquals(List.of(OpsFiles.ALERT_RULES), ruleFiles);
        assertFalse(alertNames().isEmpty());
    }

    /** The kadapt metric names the alert rules' expressions read. */
    static Set<String> alertMetrics() {
        Set<String> metrics = new TreeSet<>();
        for (JsonNode group : OpsFiles.yaml(OpsFiles.ALERT_RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                Matcher metric = METRIC.matcher(rule.path("expr").asText());
                while (metric.find()) {
                    metrics.add(metric.group());
                }
            }
        }
        return metrics;
    }

    static List<String> alertNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode group : OpsFiles.yaml(OpsFiles.ALERT_RULES).path("groups")) {
            group.path("rules").forEach(r -> names.add(r.path("alert").asText()));
        }
        return names;
    }

    private static String instanceOf(String series) {
        int at = series.indexOf("instance=\"");
        return at < 0 ? "" : series.substring(at + 10, series.indexOf('"', at + 10));
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(Path promtool, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool timed out");
        return new Result(process.exitValue(), output);
    }
}
