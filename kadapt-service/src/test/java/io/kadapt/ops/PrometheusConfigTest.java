package io.kadapt.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shipped Prometheus configuration, checked by Prometheus' own {@code promtool}. */
@Tag("unit")
class PrometheusConfigTest {

    @Test
    @DisplayName("promtool check config accepts docker/prometheus/prometheus.yml")
    void promtoolAcceptsShippedConfig() throws Exception {
        Path promtool = OpsFiles.requireTool("promtool", "apt-get install prometheus");
        Process process = new ProcessBuilder(promtool.toString(), "check", "config",
                OpsFiles.PROMETHEUS_CONFIG.toString()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool timed out");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("SUCCESS"), output);
    }
}
