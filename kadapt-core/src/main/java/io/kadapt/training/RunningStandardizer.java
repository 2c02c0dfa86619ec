package io.kadapt.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Per-feature running mean and variance (Welford's algorithm), so each domain can be z-scored with only
 * what the stream has shown so far. Sequential and deterministic: the same samples in the same order
 * give bit-identical statistics, which restart-resume relies on.
 */
public final class RunningStandardizer {
    /** Features whose spread is below this are only centred: dividing by ~0 would blow them up. */
    private static final double MIN_VARIANCE = 1e-12;

    private final double varianceFloor;
    /** One mean and one standard deviation for all features (those of all their values together), not per feature. */
    private final boolean global;

    private long count;
    private final double[] mean;
    private final double[] m2;

    /** Statistics that z-score with each feature's own variance (no floor). */
    public RunningStandardizer(int dimension) {
        this(0, new double[dimension], new double[dimension], 0.0, false);
    }

    private RunningStandardizer(long count, double[] mean, double[] m2, double varianceFloor, boolean global) {
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
        this.varianceFloor = varianceFloor;
        this.global = global;
    }

    /**
     * The same statistics, z-scoring with each feature's variance floored at {@code fraction} × the mean variance
     * of all features. Without a floor a nearly constant feature (an image's border pixel, a rare word) turns its
     * rare non-zero values into outliers of tens of standard deviations, and which features are nearly constant
     * differs between domains. Flooring variances at a fraction of the data's own average variance is the usual
     * remedy (HTK's variance floor, Young et al., The HTK Book §8.2; scikit-learn only guards zero variance).
     */
    public RunningStandardizer withVarianceFloor(double fraction) {
        if (!(fraction >= 0) || Double.isInfinite(fraction)) {
            throw new IllegalArgumentException("variance floor must be a finite fraction >= 0, got " + fraction);
        }
        return new RunningStandardizer(count, mean.clone(), m2.clone(), fraction, global);
    }

    /**
     * The same statistics, standardising every feature with one mean and one standard deviation: those of all the
     * values of all features seen (a snapshot; adding to it is refused). It fixes the scale of the data as a whole
     * and keeps the features' relative scales and offsets, which per-feature z-scoring erases: an image's dark border
     * stays darker than its strokes, a frequent word's count larger than a rare one's. The variance floor does not
     * apply.
     */
    public RunningStandardizer global() {
        return new RunningStandardizer(count, mean.clone(), m2.clone(), varianceFloor, true);
    }

    public void add(float[] x) {
        if (global) {
            throw new IllegalStateException("a global view of the statistics is a snapshot: add to the per-feature ones");
        }
        count++;
        for (int i = 0; i < mean.length; i++) {
            double delta = x[i] - mean[i];
            mean[i] += delta / count;
            m2[i] += delta * (x[i] - mean[i]);
        }
    }

    public long count() {
        return count;
    }

    /** (x − mean) / std with the population std (floored, see {@link #withVarianceFloor}), written into {@code out}. */
    public void standardize(float[] x, float[] out) {
        standardize(new float[][] {x}, new float[][] {out});
    }

    /** {@link #standardize(float[], float[])} of each row; the floor is computed once for all of them. */
    public void standardize(float[][] rows, float[][] out) {
        double[] center = means();
        double[] scale = inverseStandardDeviations();
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < center.length; i++) {
                out[r][i] = (float) ((rows[r][i] - center[i]) * scale[i]);
            }
        }
    }

    /** What {@link #standardize} subtracts: the running mean of each feature, or (global) of all values. */
    public double[] means() {
        if (!global) {
            return mean.clone();
        }
        double[] all = new double[mean.length];
        java.util.Arrays.fill(all, globalMean());
        return all;
    }

    private double globalMean() {
        double sum = 0.0;
        for (double m : mean) {
            sum += m;
        }
        return sum / Math.max(1, mean.length);
    }

    /**
     * What {@link #standardize} multiplies (x − mean) by: 1/std, floored; 1 for a constant feature. Global: 1/std of
     * all values, i.e. the mean of the features' variances plus the variance of their means.
     */
    public double[] inverseStandardDeviations() {
        if (global) {
            double center = globalMean();
            double variance = 0.0;
            for (int i = 0; i < mean.length; i++) {
                variance += (count > 0 ? m2[i] / count : 0.0) + (mean[i] - center) * (mean[i] - center);
            }
            variance /= Math.max(1, mean.length);
            double[] scale = new double[mean.length];
            java.util.Arrays.fill(scale, variance > MIN_VARIANCE ? 1.0 / Math.sqrt(variance) : 1.0);
            return scale;
        }
        double[] variance = new double[mean.length];
        double sum = 0.0;
        for (int i = 0; i < variance.length; i++) {
            variance[i] = count > 0 ? m2[i] / count : 0.0;
            sum += variance[i];
        }
        double floor = Math.max(MIN_VARIANCE, varianceFloor * sum / Math.max(1, variance.length));
        double[] scale = new double[variance.length];
        for (int i = 0; i < variance.length; i++) {
            scale[i] = variance[i] > MIN_VARIANCE ? 1.0 / Math.sqrt(Math.max(variance[i], floor)) : 1.0;
        }
        return scale;
    }

    /**
     * The statistics of this stream and {@code other} together, as if one had seen every sample of both (Chan, Golub
     * &amp; LeVeque 1979, the pairwise update of count, mean and M2); this one's variance floor. Neither is changed.
     */
    public RunningStandardizer pooledWith(RunningStandardizer other) {
        if (other.mean.length != mean.length) {
            throw new IllegalArgumentException("cannot pool " + mean.length + " and " + other.mean.length + " features");
        }
        long total = count + other.count;
        double[] pooledMean = new double[mean.length];
        double[] pooledM2 = new double[mean.length];
        for (int i = 0; i < mean.length; i++) {
            if (total == 0) {
                continue;
            }
            double delta = other.mean[i] - mean[i];
            pooledMean[i] = mean[i] + delta * other.count / total;
            pooledM2[i] = m2[i] + other.m2[i] + delta * delta * ((double) count * other.count / total);
        }
        return new RunningStandardizer(total, pooledMean, pooledM2, varianceFloor, global);
    }

    public RunningStandardizer copy() {
        return new RunningStandardizer(count, mean.clone(), m2.clone(), varianceFloor, global);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(count);
        out.writeInt(mean.length);
        for (int i = 0; i < mean.length; i++) {
            out.writeDouble(mean[i]);
            out.writeDouble(m2[i]);
        }
    }

    static RunningStandardizer read(DataInputStream in) throws IOException {
        long count = in.readLong();
        int dimension = in.readInt();
        double[] mean = new double[dimension];
        double[] m2 = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            mean[i] = in.readDouble();
            m2[i] = in.readDouble();
        }
        return new RunningStandardizer(count, mean, m2, 0.0, false);
    }

    int dimension() {
        return mean.length;
    }
}
