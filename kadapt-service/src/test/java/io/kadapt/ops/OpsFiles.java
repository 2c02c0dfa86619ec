package io.kadapt.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The shipped operations files (docker/, k8s/, grafana/) and the external tools the ops tests run. */
final class OpsFiles {
    /** Maven runs tests in the project directory. */
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DOCKERFILE = ROOT.resolve("docker/Dockerfile");
    static final Path COMPOSE = ROOT.resolve("docker/docker-compose.yml");
    static final Path PROMETHEUS_CONFIG = ROOT.resolve("docker/prometheus/prometheus.yml");
    static final Path ALERT_RULES = ROOT.resolve("docker/prometheus/alerts.yml");
    static final Path ALERT_RULES_TEST = ROOT.resolve("docker/prometheus/alerts.test.yml");
    static final Path DASHBOARD = ROOT.resolve("grafana/dashboards/kadapt.json");
    static final Path GRAFANA_DATASOURCES = ROOT.resolve("grafana/provisioning/datasources/prometheus.yml");
    static final Path GRAFANA_DASHBOARD_PROVIDER = ROOT.resolve("grafana/provisioning/dashboards/kadapt.yml");
    static final Path K8S = ROOT.resolve("k8s");

    static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private OpsFiles() {
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /** Every document of a multi-document YAML file. */
    static List<JsonNode> yamlDocuments(Path file) {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll().stream()
                    .filter(node -> node != null && !node.isMissingNode() && !node.isNull()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /**
     * An executable on the PATH. Missing: the test fails under CI (CI=true; .ci/run installs it) and is
     * skipped elsewhere.
     */
    static Path requireTool(String name, String installHint) {
        Optional<Path> found = Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> List.of(path.split(java.io.File.pathSeparator)).stream())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty()) {
            String message = name + " is not installed (" + installHint + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + "; CI=true, so this is a failure, not a skip");
            }
            Assumptions.abort(message);
        }
        return found.get();
    }
}
