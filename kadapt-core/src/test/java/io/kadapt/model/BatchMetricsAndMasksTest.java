package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("unit")
class BatchMetricsAndMasksTest {

    @Test
    void accuracyAndEntropyFromLogits() {
        INDArray logits = Nd4j.createFromArray(new double[][] {{0, 0, 0}, {5, 1, -2}, {1, 3, 2}, {0, 0, 9}});
        // Rows' arg-max: 0 (first of a tie), 0, 1, 2; labels 0, 1, 1, 2 → 3 of 4.
        assertEquals(0.75, BatchMetrics.accuracy(logits, new int[] {0, 1, 1, 2}), 1e-15);

        INDArray uniformAndCertain = Nd4j.createFromArray(new double[][] {{2, 2}, {500, -500}});
        // ln 2 for the uniform row, 0 for the (numerically) certain one.
        assertEquals(Math.log(2) / 2, BatchMetrics.meanEntropy(uniformAndCertain), 1e-12);
        // p = (e/(1+e), 1/(1+e)) for logits (1, 0).
        double p = Math.E / (1 + Math.E);
        assertEquals(-p * Math.log(p) - (1 - p) * Math.log(1 - p),
                BatchMetrics.meanEntropy(Nd4j.createFromArray(new double[][] {{1, 0}})), 1e-12);
    }

    @Test
    void dropoutMasksDependOnlyOnSeedAndStep() {
        DropoutMasks masks = new DropoutMasks(0.25, DataType.FLOAT);
        INDArray a = masks.next(DropoutMasks.generatorFor(42L, 7), 200, 51);
        INDArray b = new DropoutMasks(0.25, DataType.FLOAT).next(DropoutMasks.generatorFor(42L, 7), 200, 51);
        INDArray c = masks.next(DropoutMasks.generatorFor(42L, 8), 200, 51);
        assertEquals(a, b);
        assertFalse(a.equals(c));

        double kept = a.gt(0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertEquals(0.75, kept, 0.02, "about 1 − p of the units are kept");
        assertEquals(1.0 / 0.75, a.maxNumber().doubleValue(), 1e-6, "kept units are scaled by 1/(1−p)");
        assertEquals(1.0, a.meanNumber().doubleValue(), 0.03, "so the expected activation is unchanged");
        assertTrue(a.minNumber().doubleValue() == 0.0);
    }
}
