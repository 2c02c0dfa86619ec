package io.kadapt.loss;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Batch statistics written as matrix products rather than axis reductions: in M2.1 a SameDiff reduction over an
 * axis of length 1 throws (NullPointerException in BaseReduceOp.noOp), so a batch of one row, or a single feature,
 * would break an {@code x.mean(0)}.
 */
final class BatchOps {

    private BatchOps() {
    }

    /** Number of rows of {@code x} as a scalar in its dtype. */
    static SDVariable rows(SameDiff sd, SDVariable x) {
        return sd.sizeAt(x, 0).castTo(x.dataType());
    }

    /** Number of columns of {@code x} as a scalar in its dtype. */
    static SDVariable columns(SameDiff sd, SDVariable x) {
        return sd.sizeAt(x, 1).castTo(x.dataType());
    }

    /** A column of ones [n, 1] with one row per row of {@code x}. */
    static SDVariable onesColumn(SameDiff sd, SDVariable x) {
        return sd.onesLike(x.get(SDIndex.all(), SDIndex.interval(0, 1)));
    }

    /** Column means of {@code x} [n, d] as a row [1, d]. */
    static SDVariable columnMeans(SameDiff sd, SDVariable x) {
        // Multiplication by the reciprocal, not division: in M2.1 the gradient of x.div(s) with respect to a
        // broadcast scalar s is wrong, and it is cheaper to keep to one form everywhere.
        return sd.mmul(onesColumn(sd, x), x, true, false, false).mul(rows(sd, x).rdiv(1.0));
    }

    /** Row sums of {@code x} [n, c] as a column [n, 1]. */
    static SDVariable rowSums(SameDiff sd, SDVariable x) {
        SDVariable ones = sd.onesLike(x.get(SDIndex.interval(0, 1), SDIndex.all()));   // [1, c]
        return sd.mmul(x, ones, false, true, false);
    }
}
