package io.kadapt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.bench.BenchFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Smoke test of {@code kadapt bench quality} on the 200-row fixtures: it runs, prints and writes the table. */
@Tag("topology")
class QualityBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("one pair, one seed, source-only and a --method: a table printed and written into the marked section")
    void writesTheTable() throws Exception {
        Path doc = dir.resolve("docs/BENCHMARKS.md");
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, "# Benchmarks\n\n## Throughput\n\nkept\n\n<!-- quality:begin -->\nold\n<!-- quality:end -->\n"
                + "\n## Latency\n\nalso kept\n");

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = KadaptToolsCli.commandLine().execute("bench", "quality", "--data-dir", BenchFixtures.dataDir().toString(),
                    "--pairs", "books->kitchen", "--seeds", "1", "--method", "mmd-half:loss.lambda=0.5",
                    // A small model: this checks the command, not the accuracy.
                    "--set", "model.hidden=16", "--out", doc.toString());
        } finally {
            System.setOut(stdout);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, output);
        assertTrue(output.contains("| pair | source-only | mmd-half (Δ vs source-only) | published |"),
                output);
        assertTrue(output.contains("| books→kitchen |"), output);

        String written = Files.readString(doc);
        assertTrue(written.startsWith("# Benchmarks\n\n## Throughput\n\nkept\n"), written);
        assertTrue(written.endsWith("<!-- quality:end -->\n\n## Latency\n\nalso kept\n"), written);
        assertTrue(!written.contains("\nold\n"), written);
        assertTrue(written.contains("--pairs books->kitchen"), "the exact command is recorded");
        assertTrue(written.contains("| books→kitchen |"), written);
        assertTrue(written.contains("cores; load average"), written);
    }

    @Test
    @DisplayName("a missing data directory fails at once, naming the files and --data-dir")
    void missingDataFails() {
        StringWriter err = new StringWriter();
        CommandLine cli = KadaptToolsCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("bench", "quality", "--data-dir", dir.resolve("nothing").toString(), "--quick",
                "--no-write");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("benchmark data missing"), err.toString());
        assertTrue(err.toString().contains("--data-dir"), err.toString());
    }
}
