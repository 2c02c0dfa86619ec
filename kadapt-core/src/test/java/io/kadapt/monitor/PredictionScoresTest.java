package io.kadapt.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PredictionScoresTest {
    private static final double LN2 = Math.log(2);

    private static RowWindow window(int capacity, float[]... rows) {
        RowWindow window = new RowWindow(capacity, rows[0].length);
        for (float[] row : rows) {
            window.add(row);
        }
        return window;
    }

    private static double snd(RowWindow rows) {
        return PredictionScores.softNeighbourhoodDensity(rows, PredictionScores.SND_TEMPERATURE,
                new double[rows.capacity()][rows.width()]);
    }

    @Test
    @DisplayName("entropy by hand: (1/2, 1/4, 1/4) has 1.5·ln 2 nats, a certain prediction 0, a uniform one ln C")
    void entropyByHand() {
        assertEquals(1.5 * LN2, PredictionScores.entropy(new double[] {0.5, 0.25, 0.25}), 1e-15);
        assertEquals(0, PredictionScores.entropy(new double[] {0, 1, 0}));
        assertEquals(Math.log(4), PredictionScores.entropy(new double[] {0.25, 0.25, 0.25, 0.25}), 1e-15);
    }

    @Test
    @DisplayName("certain and balanced predictions: mean entropy 0, IM at its maximum ln C, class ratios even")
    void certainAndBalanced() {
        RowWindow rows = window(8, new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 0}, new float[] {0, 1});
        assertEquals(0, PredictionScores.meanEntropy(rows), 1e-15);
        assertEquals(LN2, PredictionScores.informationMaximisation(rows), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5}, PredictionScores.classRatios(rows), 1e-15);
    }

    @Test
    @DisplayName("uniform predictions: mean entropy at its maximum ln C, IM 0")
    void uniform() {
        float third = 1f / 3;
        RowWindow rows = window(8, new float[] {third, third, third}, new float[] {third, third, third});
        assertEquals(Math.log(3), PredictionScores.meanEntropy(rows), 1e-6);
        assertEquals(0, PredictionScores.informationMaximisation(rows), 1e-12);
    }

    @Test
    @DisplayName("collapse onto one class: IM 0, one class ratio 1, SND at its maximum ln(n − 1)")
    void collapsed() {
        int n = 10;
        RowWindow rows = new RowWindow(n, 3);
        for (int i = 0; i < n; i++) {
            rows.add(new float[] {0.7f, 0.2f, 0.1f});
        }
        double h = PredictionScores.entropy(new double[] {0.7f, 0.2f, 0.1f});
        assertEquals(h, PredictionScores.meanEntropy(rows), 1e-12);
        assertEquals(0, PredictionScores.informationMaximisation(rows), 1e-12);
        assertArrayEquals(new double[] {1, 0, 0}, PredictionScores.classRatios(rows));
        assertEquals(Math.log(n - 1), snd(rows), 1e-12);
    }

    @Test
    @DisplayName("SND by hand: two tight clusters of two one-hot rows, each row's neighbours weigh e^(1/τ), 1, 1")
    void sndByHand() {
        RowWindow rows = window(4, new float[] {1, 0}, new float[] {1, 0}, new float[] {0, 1}, new float[] {0, 1});
        double a = Math.exp(1 / 0.05);
        double z = a + 2;
        double expected = -(a / z) * Math.log(a / z) - 2 * (1 / z) * Math.log(1 / z);
        assertEquals(expected, snd(rows), 1e-12);
    }

    @Test
    @DisplayName("SND equals a naive reference (full matrix, explicit softmax, −Σ q log q) on random predictions")
    void sndMatchesNaiveReference() {
        Random random = new Random(3);
        for (int[] shape : new int[][] {{2, 2}, {7, 3}, {40, 5}, {64, 10}}) {
            RowWindow rows = new RowWindow(shape[0], shape[1]);
            float[][] data = new float[shape[0]][shape[1]];
            for (float[] row : data) {
                double sum = 0;
                for (int c = 0; c < row.length; c++) {
                    row[c] = (float) Math.pow(random.nextDouble(), 3);
                    sum += row[c];
                }
                for (int c = 0; c < row.length; c++) {
                    row[c] /= (float) sum;
                }
                rows.add(row);
            }
            assertEquals(naiveSnd(data, 0.05), snd(rows), 1e-9, () -> "shape " + shape[0] + "×" + shape[1]);
        }
    }

    private static double naiveSnd(float[][] data, double tau) {
        int n = data.length;
        double[][] unit = new double[n][];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (float v : data[i]) {
                norm += (double) v * v;
            }
            unit[i] = new double[data[i].length];
            for (int c = 0; c < data[i].length; c++) {
                unit[i][c] = data[i][c] / Math.sqrt(norm);
            }
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] q = new double[n];
            double z = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double cos = 0;
                    for (int c = 0; c < unit[i].length; c++) {
                        cos += unit[i][c] * unit[j][c];
                    }
                    q[j] = Math.exp(cos / tau);
                    z += q[j];
                }
            }
            for (int j = 0; j < n; j++) {
                if (j != i && q[j] > 0) {
                    total -= (q[j] / z) * Math.log(q[j] / z);
                }
            }
        }
        return total / n;
    }

    @Test
    @DisplayName("the window is bounded: scores cover only the last capacity rows")
    void boundedWindow() {
        RowWindow rows = new RowWindow(4, 2);
        for (int i = 0; i < 5; i++) {
            rows.add(new float[] {1, 0});
        }
        for (int i = 0; i < 4; i++) {
            rows.add(new float[] {0.1f, 0.9f});
        }
        assertEquals(4, rows.size());
        assertEquals(9, rows.added());
        assertArrayEquals(new double[] {0, 1}, PredictionScores.classRatios(rows));
        assertTrue(Math.abs(PredictionScores.informationMaximisation(rows)) < 1e-12);
    }
}
