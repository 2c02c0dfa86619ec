package io.kadapt.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Domain;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class LabelFreeMonitorTest {

    @Test
    @DisplayName("due every N predictions; the snapshot holds the window's scores and each domain's drift")
    void snapshotEveryN() {
        LabelFreeMonitor monitor = new LabelFreeMonitor(new MonitorSettings(4, 8, 3, 10, 4), 2, 2);
        assertFalse(monitor.due());
        LabelFreeSnapshot empty = monitor.snapshot();
        assertTrue(Double.isNaN(empty.meanEntropy()) && Double.isNaN(empty.drift(Domain.TARGET)));
        assertTrue(Double.isNaN(empty.disagreementRatio()));

        Random random = new Random(5);
        for (int i = 0; i < 8; i++) {
            monitor.input(Domain.SOURCE, InputDriftTest.gaussian(random, 2, 0));
        }
        monitor.prediction(new float[] {1, 0});
        monitor.prediction(new float[] {0, 1});
        assertFalse(monitor.due());
        monitor.prediction(new float[] {1, 0});
        assertTrue(monitor.due());
        LabelFreeSnapshot snapshot = monitor.snapshot();
        assertFalse(monitor.due());
        assertEquals(3, snapshot.predictions());
        assertEquals(0, snapshot.meanEntropy(), 1e-15);
        double h = -(2 / 3.0) * Math.log(2 / 3.0) - (1 / 3.0) * Math.log(1 / 3.0);
        assertEquals(h, snapshot.informationMaximisation(), 1e-12);
        assertEquals(List.of(2 / 3.0, 1 / 3.0), snapshot.classRatios());
        assertEquals(0, snapshot.drift(Domain.SOURCE), 1e-12);
        assertTrue(Double.isNaN(snapshot.drift(Domain.TARGET)), "no target rows yet");
        assertTrue(snapshot.softNeighbourhoodDensity() > 0);
    }

    @Test
    @DisplayName("disagreement ratio over the last comparisons only")
    void disagreement() {
        LabelFreeMonitor monitor = new LabelFreeMonitor(new MonitorSettings(4, 4, 1, 4, 4), 2, 1);
        for (boolean different : new boolean[] {true, true, false, true, false, false}) {
            monitor.disagreement(different);
        }
        assertEquals(0.25, monitor.snapshot().disagreementRatio(), 1e-15);
        FractionWindow window = new FractionWindow(2);
        assertTrue(Double.isNaN(window.ratio()));
        window.record(true);
        assertEquals(1, window.ratio());
        assertEquals(1, window.total());
    }

    @Test
    @DisplayName("source prequential accuracy over the last fresh source samples only; NaN before any")
    void sourcePrequentialAccuracy() {
        LabelFreeMonitor monitor = new LabelFreeMonitor(new MonitorSettings(4, 4, 1, 4, 5), 2, 1);
        assertTrue(Double.isNaN(monitor.snapshot().sourcePrequentialAccuracy()));
        monitor.sourceBatch(1, 4);
        assertEquals(0.25, monitor.snapshot().sourcePrequentialAccuracy(), 1e-15);
        monitor.sourceBatch(3, 3);
        // The window holds the last 5 samples: the first batch's last sample (wrong), then the 3 right ones, i.e.
        // of 1 right + 3 wrong then 3 right, the last five are wrong, wrong, right, right, right.
        assertEquals(0.6, monitor.snapshot().sourcePrequentialAccuracy(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> monitor.sourceBatch(5, 4));
    }

    @Test
    @DisplayName("regression: no probabilities, target rows set the pace, prediction scores NaN")
    void regression() {
        LabelFreeMonitor monitor = new LabelFreeMonitor(new MonitorSettings(4, 2, 2, 4, 4), 0, 1);
        assertThrows(IllegalStateException.class, () -> monitor.prediction(new float[] {1}));
        monitor.input(Domain.TARGET, new float[] {0});
        monitor.input(Domain.TARGET, new float[] {1});
        assertTrue(monitor.due());
        LabelFreeSnapshot snapshot = monitor.snapshot();
        assertTrue(Double.isNaN(snapshot.meanEntropy()) && Double.isNaN(snapshot.softNeighbourhoodDensity()));
        assertEquals(List.of(), snapshot.classRatios());
        assertEquals(0, snapshot.drift(Domain.TARGET), 1e-12);
    }

    @Test
    @DisplayName("windows of fewer than 2 rows are refused")
    void settings() {
        assertThrows(IllegalArgumentException.class, () -> new MonitorSettings(1, 4, 1, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new MonitorSettings(4, 4, 0, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new MonitorSettings(4, 4, 1, 1, 0));
    }
}
