package io.kadapt.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kadapt bench perf --smoke} runs end to end and writes its section; no timing is asserted. */
@Tag("broker")
class PerfBenchSmokeTest {

    @Test
    @DisplayName("bench perf on tiny sizes runs every part and replaces only its own section")
    void smokeRunWritesSection(@TempDir Path dir) throws Exception {
        // Given a benchmarks file with another section
        Path file = dir.resolve("BENCHMARKS.md");
        Files.writeString(file, "# Benchmarks\n\n<!-- quality:begin -->\nq\n<!-- quality:end -->\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // When the smoke bench runs (the peer only when python3-torch is already there: no install in tests)
        String report = new PerfBench(PerfSettings.smoke(Path.of("bench/torch_peer.py")),
                new PrintStream(out, true, StandardCharsets.UTF_8)).run("./kadapt bench perf --smoke");
        PerfBench.writeSection(file, report);
        PerfBench.writeSection(file, report);

        // Then every part reported, and the other section is intact with exactly one perf section
        assertTrue(report.contains("CE+MMD"), report);
        assertTrue(report.contains("target predictions/s"), report);
        assertTrue(report.contains("model freshness"), report);
        assertTrue(report.contains("p50 / p99"), report);
        assertTrue(report.contains("| training paused |"), "the prediction path alone, trainer idle: " + report);
        String text = Files.readString(file);
        assertTrue(text.contains("<!-- quality:begin -->\nq\n<!-- quality:end -->"), text);
        assertTrue(text.indexOf(PerfBench.BEGIN) == text.lastIndexOf(PerfBench.BEGIN), text);
    }
}
