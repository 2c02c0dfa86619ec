package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's verdict on synthetic samples, and a 20-second soak end to end (the smoke run of bench soak). */
@Tag("chaos")
class SoakTest {
    private static final SoakSettings TEN_PER_SECOND = new SoakSettings(Duration.ofMinutes(10), 10,
            Duration.ofSeconds(5), Map.of());

    @Test
    @DisplayName("verdict: a 3 MiB/min RSS climb in the second half fails, a warm-up climb alone does not")
    void rssSlopeOverTheSecondHalf() {
        // Given RSS rising 50 MiB during the first half, then flat, then the same run rising 3 MiB/min throughout
        SoakReport warmUpOnly = new SoakReport(TEN_PER_SECOND, samples(t -> t < 300 ? 500 + t / 6 : 550, t -> 5),
                "-");
        SoakReport leak = new SoakReport(TEN_PER_SECOND, samples(t -> 500 + 3 * t / 60, t -> 5), "-");
        // Then the slope is taken over the second half only, by least squares
        assertEquals(0, warmUpOnly.rssSlopeMbPerMinute(), 1e-9);
        assertTrue(warmUpOnly.failures().isEmpty(), warmUpOnly.failures().toString());
        assertEquals(3, leak.rssSlopeMbPerMinute(), 1e-9);
        assertTrue(leak.failures().stream().anyMatch(f -> f.startsWith("RSS not flat")), leak.failures().toString());
    }

    @Test
    @DisplayName("verdict: lag beyond 10 s of input in the second half fails; the bound is 10 s × 3 topics × rate")
    void lagBound() {
        SoakReport growing = new SoakReport(TEN_PER_SECOND, samples(t -> 500, t -> (long) t), "-");
        assertEquals(300, growing.lagBound(), 1e-9);
        assertEquals(600, growing.maxLagSecondHalf());
        assertTrue(growing.failures().stream().anyMatch(f -> f.startsWith("lag not bounded")), growing.failures().toString());
        SoakReport bounded = new SoakReport(TEN_PER_SECOND, samples(t -> 500, t -> t < 300 ? (long) t : 300), "-");
        assertTrue(bounded.failures().isEmpty(), "a lag of exactly the bound passes: " + bounded.failures());
        SoakReport notDrained = new SoakReport(TEN_PER_SECOND, samples(t -> 500, t -> 5), "-",
                new SoakSample(700, 3, 500, 40, 6000, 600, 0, 0, 0, 0, true), 6000);
        assertTrue(notDrained.errors().stream().anyMatch(f -> f.startsWith("input not drained")), notDrained.errors().toString());
    }

    @Test
    @DisplayName("settings: rows narrower than 2 features and heap sizes the JVM would not take are refused")
    void settingsValidation() {
        Duration minute = Duration.ofMinutes(1);
        Duration second = Duration.ofSeconds(1);
        assertEquals(400, new SoakSettings(minute, 500, second, Map.of(), 400, "2g").features());
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> new SoakSettings(minute, 500, second, Map.of(), 1, "2g"));
        assertTrue(narrow.getMessage().contains("features"), narrow.getMessage());
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> new SoakSettings(minute, 500, second, Map.of(), 400, "2 GB"));
        assertTrue(heap.getMessage().contains("heap"), heap.getMessage());
    }

    @Test
    @DisplayName("bench soak --duration 20s: kadapt keeps up, no dead letters, no errors, no replaced thread")
    void smoke(@TempDir Path workDir) throws Exception {
        // Given a broker and kadapt as child processes, when the demo stream runs at 25 samples/s for 20 s
        SoakReport report = new SoakRun(workDir, new SoakSettings(Duration.ofSeconds(20), SoakSettings.DEFAULT_RATE,
                Duration.ofSeconds(2), Map.of()), System.out).run();
        System.out.print(report.table());
        // Then kadapt predicted and trained while the stream ran, with predictions growing from sample to sample
        SoakSample end = report.samples().get(report.samples().size() - 1);
        assertTrue(end.predictions() > 0 && end.modelStep() > 0 && end.rssMb() > 0 && end.liveHeapMb() >= 0,
                report.table());
        for (int i = 1; i < report.samples().size(); i++) {
            assertTrue(report.samples().get(i).predictions() >= report.samples().get(i - 1).predictions(), report.table());
        }
        // And once the stream stopped it caught up: no lag, a prediction for every target sample sent (20 s is all
        // warm-up, so the second-half lag bound of the full soak is printed, not asserted: a cold JIT and ND4J can
        // lag more than 10 s of input here; the drain checks that the lag was only warm-up)
        System.out.printf("soak smoke: max lag in the second half %d records (bound of the full soak %.0f); drained: "
                + "lag %d, %d predictions for %d sent%n", report.maxLagSecondHalf(), report.lagBound(),
                report.drained().lag(), report.drained().predictions(), report.sentPerDomain());
        assertEquals(0, report.drained().lag(), report.table());
        assertTrue(report.sentPerDomain() > 0 && report.drained().predictions() >= report.sentPerDomain(),
                report.table());
        assertTrue(report.errors().isEmpty(), report.table());
    }

    private interface Curve {
        double at(double seconds);
    }

    private interface LagCurve {
        long at(double seconds);
    }

    private static List<SoakSample> samples(Curve rss, LagCurve lag) {
        List<SoakSample> samples = new ArrayList<>();
        for (int t = 0; t <= 600; t += 5) {
            samples.add(new SoakSample(t, lag.at(t), rss.at(t), 40, 10L * t, t, 0, 0, 0, 0, true));
        }
        return samples;
    }
}
