package io.kadapt.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gaussian noise fed to the graph as a placeholder, drawn from a step's generator ({@link DropoutMasks#generatorFor})
 * rather than by a SameDiff random op, for the same reason as the dropout masks: a restored model must draw exactly
 * the noise the original would have drawn.
 */
final class StandardNormal {

    private StandardNormal() {
    }

    /** A [rows, cols] matrix of independent N(0, 1) draws, row by row. */
    static INDArray matrix(SplittableRandom random, long rows, long cols, DataType dtype) {
        double[] values = new double[Math.toIntExact(rows * cols)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {rows, cols}, DataType.DOUBLE).castTo(dtype);
    }
}
