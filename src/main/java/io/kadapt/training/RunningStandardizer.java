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

    private long count;
    private final double[] mean;
    private final double[] m2;

    public RunningStandardizer(int dimension) {
        this(0, new double[dimension], new double[dimension]);
    }

    private RunningStandardizer(long count, double[] mean, double[] m2) {
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }

    public void add(float[] x) {
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

    /** (x − mean) / std with the population std, written into {@code out}. */
    public void standardize(float[] x, float[] out) {
        for (int i = 0; i < mean.length; i++) {
            double variance = count > 0 ? m2[i] / count : 0.0;
            double scale = variance > MIN_VARIANCE ? 1.0 / Math.sqrt(variance) : 1.0;
            out[i] = (float) ((x[i] - mean[i]) * scale);
        }
    }

    public RunningStandardizer copy() {
        return new RunningStandardizer(count, mean.clone(), m2.clone());
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
        return new RunningStandardizer(count, mean, m2);
    }

    int dimension() {
        return mean.length;
    }
}
