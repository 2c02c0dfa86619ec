package io.kadapt.loss;

import java.util.Arrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Per-class weights of a supervised loss, looked up per sample from the one-hot labels. */
final class ClassWeights {

    private ClassWeights() {
    }

    static double[] checked(double[] weights) {
        boolean anyPositive = false;
        for (double w : weights) {
            if (!(w >= 0.0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("class weights must be finite and >= 0, got "
                        + Arrays.toString(weights));
            }
            anyPositive |= w > 0.0;
        }
        if (!anyPositive) {
            throw new IllegalArgumentException("class weights must not all be 0, got " + Arrays.toString(weights));
        }
        return weights.clone();
    }

    /** w_{y_i} for every row of {@code oneHotLabels} [n, C], as a column [n, 1]. */
    static SDVariable perSample(SameDiff sd, SDVariable oneHotLabels, double[] weights) {
        SDVariable column = sd.constant(Nd4j.create(weights, new long[] {weights.length, 1}, DataType.DOUBLE)
                .castTo(oneHotLabels.dataType()));
        return sd.mmul(oneHotLabels, column);
    }
}
