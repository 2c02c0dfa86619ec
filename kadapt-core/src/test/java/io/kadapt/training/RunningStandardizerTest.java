package io.kadapt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RunningStandardizerTest {

    /** Three features over four samples: spread 2, spread 0.02 (nearly constant), constant. */
    private static RunningStandardizer fourSamples() {
        RunningStandardizer statistics = new RunningStandardizer(3);
        statistics.add(new float[] {-2f, 0f, 5f});
        statistics.add(new float[] {2f, 0f, 5f});
        statistics.add(new float[] {-2f, 0f, 5f});
        statistics.add(new float[] {2f, 0.04f, 5f});
        return statistics;
    }

    @Test
    @DisplayName("without a floor each feature is z-scored with its own population std; a constant one is only centred")
    void ownVariance() {
        // Feature 0: mean 0, variance 4. Feature 1: mean 0.01, variance (3·0.01² + 0.03²)/4 = 0.0003.
        float[] out = new float[3];
        fourSamples().standardize(new float[] {1f, 0.04f, 6f}, out);
        assertEquals(0.5, out[0], 1e-6);
        assertEquals(0.03 / Math.sqrt(0.0003), out[1], 1e-4, "the one lit value is 1.7 std out");
        assertEquals(1.0, out[2], 1e-6);
    }

    @Test
    @DisplayName("the floor raises small variances to floor × mean variance and leaves large ones")
    void flooredVariance() {
        // Mean variance (4 + 0.0003 + 0) / 3; floor 0.3 of it = 0.40003.
        double floor = 0.3 * (4 + 0.0003) / 3;
        float[] out = new float[3];
        RunningStandardizer floored = fourSamples().withVarianceFloor(0.3);
        floored.standardize(new float[] {1f, 0.04f, 6f}, out);
        assertEquals(0.5, out[0], 1e-6, "variance 4 is above the floor");
        assertEquals(0.03 / Math.sqrt(floor), out[1], 1e-6);
        assertEquals(1.0, out[2], 1e-6, "a constant feature is still only centred");
    }

    @Test
    @DisplayName("a floored copy keeps its floor when copied and does not share statistics with its origin")
    void floorIsIndependentState() {
        RunningStandardizer origin = fourSamples();
        RunningStandardizer floored = origin.withVarianceFloor(0.3);
        floored.add(new float[] {100f, 100f, 100f});
        float[] fromOrigin = new float[3];
        origin.standardize(new float[] {1f, 0.04f, 6f}, fromOrigin);
        assertEquals(0.5, fromOrigin[0], 1e-6);

        // The copy is taken where the floor binds (feature 1's variance 0.0003 is far below 0.3 × the mean
        // variance), so a copy that dropped the floor would z-score the lit value to 1.7 instead of 0.047.
        RunningStandardizer flooredHere = fourSamples().withVarianceFloor(0.3);
        RunningStandardizer copy = flooredHere.copy();
        float[] fromFloored = new float[3];
        float[] fromCopy = new float[3];
        float[] unfloored = new float[3];
        flooredHere.standardize(new float[] {1f, 0.04f, 6f}, fromFloored);
        copy.standardize(new float[] {1f, 0.04f, 6f}, fromCopy);
        fourSamples().standardize(new float[] {1f, 0.04f, 6f}, unfloored);
        assertEquals(0.03 / Math.sqrt(0.3 * (4 + 0.0003) / 3), fromCopy[1], 1e-6, "the copy applies the floor");
        assertTrue(Math.abs(unfloored[1] - fromCopy[1]) > 1, "the floor binds: " + unfloored[1] + " vs " + fromCopy[1]);
        assertArrayEquals(fromFloored, fromCopy, 0f);
        // ... and the copy's statistics are its own.
        copy.add(new float[] {100f, 100f, 100f});
        flooredHere.standardize(new float[] {1f, 0.04f, 6f}, fromCopy);
        assertArrayEquals(fromFloored, fromCopy, 0f, "adding to the copy leaves the original");
    }

    @Test
    @DisplayName("a batch standardises like its rows one by one")
    void batchEqualsRows() {
        RunningStandardizer floored = fourSamples().withVarianceFloor(0.1);
        float[][] rows = {{1f, 0.04f, 6f}, {-3f, 0f, 5f}};
        float[][] batch = new float[2][3];
        floored.standardize(rows, batch);
        for (int r = 0; r < rows.length; r++) {
            float[] single = new float[3];
            floored.standardize(rows[r], single);
            assertArrayEquals(single, batch[r], 0f);
        }
    }

    @Test
    @DisplayName("a negative or infinite floor is refused")
    void badFloor() {
        assertThrows(IllegalArgumentException.class, () -> fourSamples().withVarianceFloor(-0.1));
        assertThrows(IllegalArgumentException.class, () -> fourSamples().withVarianceFloor(Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> fourSamples().withVarianceFloor(Double.POSITIVE_INFINITY));
    }

    @Test
    @DisplayName("global: one mean and std of all twelve values, computed independently; relative scales kept; a snapshot")
    void globalStatistics() {
        float[][] rows = {{-2f, 0f, 5f}, {2f, 0f, 5f}, {-2f, 0f, 5f}, {2f, 0.04f, 5f}};
        double sum = 0;
        for (float[] row : rows) {
            for (float v : row) {
                sum += v;
            }
        }
        double mean = sum / 12;
        double squares = 0;
        for (float[] row : rows) {
            for (float v : row) {
                squares += (v - mean) * (v - mean);
            }
        }
        double std = Math.sqrt(squares / 12);

        RunningStandardizer global = fourSamples().withVarianceFloor(1.0).global();
        assertArrayEquals(new double[] {mean, mean, mean}, global.means(), 1e-12);
        double[] scale = global.inverseStandardDeviations();
        assertArrayEquals(new double[] {1 / std, 1 / std, 1 / std}, scale, 1e-12, "the variance floor does not apply");
        float[] out = new float[3];
        global.standardize(rows[3], out);
        for (int i = 0; i < 3; i++) {
            assertEquals((rows[3][i] - mean) / std, out[i], 1e-6);
        }
        assertTrue(out[2] > out[0] && out[0] > out[1], "the features' order of magnitude survives: 5 > 2 > 0.04");
        assertThrows(IllegalStateException.class, () -> global.add(rows[0]));
        assertArrayEquals(global.means(), global.copy().means(), 0.0, "a copy stays global");
    }
}
