package io.kadapt.model;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.testing.PlainMath;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small specs and batches shared by the model tests. */
final class TestSpecs {

    private TestSpecs() {
    }

    static ModelSpec small(long seed, DataType dtype, double dropout, Activation activation,
                           List<DomainLoss> domainLosses) {
        return new ModelSpec(4, 3, List.of(6, 3), activation, dropout, seed, dtype,
                AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), domainLosses);
    }

    static ModelSpec smallWithMmd(long seed, DataType dtype, double dropout) {
        return small(seed, dtype, dropout, Activation.RELU, List.of(new MmdLoss()));
    }

    static double[][] gaussian(Random random, int rows, int cols, double shift) {
        return PlainMath.gaussian(random, rows, cols, shift);
    }

    static INDArray array(double[][] x, DataType dtype) {
        return Nd4j.createFromArray(x).castTo(dtype);
    }

    static int[] labels(Random random, int n, int classes) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(classes);
        }
        return y;
    }
}
