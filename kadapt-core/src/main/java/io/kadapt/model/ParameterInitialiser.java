package io.kadapt.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded weight initialisation. Draws come from one {@link SplittableRandom} in a fixed order, in Java, so the same
 * seed gives bit-identical parameters on every machine and thread count, independently of ND4J's native generator.
 */
final class ParameterInitialiser {

    private final SplittableRandom random;

    ParameterInitialiser(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * Uniform weights [fanIn, fanOut]. He/Kaiming (He et al. 2015) bound √(6/fanIn) keeps the activation variance
     * through rectifiers; Xavier/Glorot (Glorot &amp; Bengio 2010) bound √(6/(fanIn+fanOut)) suits symmetric
     * squashing functions and the linear classifier head.
     */
    INDArray uniformWeights(long fanIn, long fanOut, boolean he, DataType dtype) {
        double bound = he ? Math.sqrt(6.0 / fanIn) : Math.sqrt(6.0 / (fanIn + fanOut));
        double[] values = new double[Math.toIntExact(fanIn * fanOut)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (2.0 * random.nextDouble() - 1.0) * bound;
        }
        return Nd4j.create(values, new long[] {fanIn, fanOut}, DataType.DOUBLE).castTo(dtype);
    }

    static INDArray zeroBias(long width, DataType dtype) {
        return Nd4j.zeros(dtype, width);
    }
}
