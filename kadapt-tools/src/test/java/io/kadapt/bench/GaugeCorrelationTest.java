package io.kadapt.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Spearman's ρ against the textbook formula, and the checkpoints a replay's predictions make. */
@Tag("unit")
class GaugeCorrelationTest {

    private static List<GaugePoint> points(double[] accuracy, double[] gauge) {
        List<GaugePoint> points = new ArrayList<>();
        for (int i = 0; i < accuracy.length; i++) {
            points.add(new GaugePoint(accuracy[i], gauge[i], gauge[i], gauge[i], gauge[i], gauge[i], gauge[i]));
        }
        return points;
    }

    @Test
    @DisplayName("without ties, ρ is 1 − 6 Σ d² / (n (n² − 1)); monotone transforms keep it, reversal negates it")
    void textbookFormula() {
        Random random = new Random(3);
        int n = 40;
        double[] accuracy = random.doubles(n).toArray();
        double[] gauge = Arrays.stream(accuracy).map(a -> a + 0.5 * random.nextGaussian()).toArray();
        double[] ra = GaugeCorrelation.ranks(accuracy);
        double[] rg = GaugeCorrelation.ranks(gauge);
        double d2 = 0;
        for (int i = 0; i < n; i++) {
            d2 += (ra[i] - rg[i]) * (ra[i] - rg[i]);
        }
        double expected = 1 - 6 * d2 / (n * ((double) n * n - 1));
        double rho = GaugeCorrelation.spearman(points(accuracy, gauge), GaugePoint::snd);
        assertEquals(expected, rho, 1e-12);
        assertTrue(rho > 0.2 && rho < 1, "a noisy increasing relation: " + rho);
        assertEquals(rho, GaugeCorrelation.spearman(points(accuracy, Arrays.stream(gauge).map(Math::exp).toArray()),
                GaugePoint::snd), 1e-12);
        assertEquals(-rho, GaugeCorrelation.spearman(points(accuracy, Arrays.stream(gauge).map(g -> -g).toArray()),
                GaugePoint::snd), 1e-12);
    }

    @Test
    @DisplayName("ties share the mean of their ranks; NaN gauges are left out; a constant gauge says nothing (NaN)")
    void tiesAndGaps() {
        assertArrayEquals(new double[] {1, 2, 3.5, 5, 3.5}, GaugeCorrelation.ranks(new double[] {5, 6, 7, 8, 7}));
        double[] accuracy = {0.1, 0.2, 0.3, 0.4};
        assertEquals(1.0, GaugeCorrelation.spearman(points(accuracy, new double[] {1, Double.NaN, 3, 4}),
                GaugePoint::entropy), 1e-12);
        assertTrue(Double.isNaN(GaugeCorrelation.spearman(points(accuracy, new double[] {2, 2, 2, 2}),
                GaugePoint::entropy)));
    }

    @Test
    @DisplayName("checkpoints: windows of the last 256 predictions at ¼ … 1 of the stream, accuracy and the monitor's gauges")
    void checkpoints() {
        int n = 1024;
        List<float[]> probabilities = new ArrayList<>();
        boolean[] hits = new boolean[n];
        for (int i = 0; i < n; i++) {
            probabilities.add(i < n / 2 ? new float[] {0.5f, 0.5f} : new float[] {0.9f, 0.1f});
            hits[i] = i % 4 != 0 || i >= 3 * n / 4; // 75 % right, then all right in the last quarter
        }
        double[] disagreement = {0.1, 0.2, 0.3, 0.4};
        double[] drift = {Double.NaN, 0.5, 0.6, 0.7};
        double[] sourcePrequential = {0.8, 0.85, Double.NaN, 0.9};
        List<GaugePoint> points = GaugePoint.of(probabilities, hits, disagreement, drift, sourcePrequential);
        assertEquals(List.of(0.75, 0.75, 0.75, 1.0), points.stream().map(GaugePoint::accuracy).toList());
        assertEquals(Math.log(2), points.get(0).entropy(), 1e-6, "uniform predictions");
        double h = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));
        assertEquals(h, points.get(3).entropy(), 1e-6);
        assertEquals(0.0, points.get(3).information(), 1e-6, "all the same prediction: no information");
        assertEquals(List.of(0.1, 0.2, 0.3, 0.4), points.stream().map(GaugePoint::disagreement).toList(),
                "the replay's measures, checkpoint by checkpoint");
        assertTrue(Double.isNaN(points.get(0).drift()));
        assertEquals(0.7, points.get(3).drift());
        assertEquals(0.85, points.get(1).sourcePrequential());
        assertTrue(Double.isNaN(points.get(2).sourcePrequential()));
        assertEquals(List.of(256, 512, 768, 1024), List.of(GaugePoint.end(n, 1), GaugePoint.end(n, 2),
                GaugePoint.end(n, 3), GaugePoint.end(n, 4)));
        assertEquals(768, GaugePoint.start(1024));
    }
}
