package io.kadapt.loss;

/**
 * Multi-kernel MMD² written as plain loops over doubles, straight from the definition, as an independent oracle
 * for {@link MmdLoss}.
 */
public final class ReferenceMmd {

    private ReferenceMmd() {
    }

    /** Mean squared Euclidean distance over the ordered pairs i ≠ j of source ∪ target. */
    public static double bandwidthBase(double[][] source, double[][] target) {
        double[][] joint = join(source, target);
        double sum = 0.0;
        for (int i = 0; i < joint.length; i++) {
            for (int j = 0; j < joint.length; j++) {
                if (i != j) {
                    sum += squaredDistance(joint[i], joint[j]);
                }
            }
        }
        return sum / (joint.length * (joint.length - 1.0));
    }

    /** Median squared Euclidean distance over the unordered pairs i < j of source ∪ target. */
    public static double medianBandwidthBase(double[][] source, double[][] target) {
        double[][] joint = join(source, target);
        java.util.List<Double> distances = new java.util.ArrayList<>();
        for (int i = 0; i < joint.length; i++) {
            for (int j = i + 1; j < joint.length; j++) {
                distances.add(squaredDistance(joint[i], joint[j]));
            }
        }
        return median(distances);
    }

    /**
     * Gretton et al. 2012 Lemma 14: (1/q)·Σ_i [K(s_2i, s_2i+1) + K(t_2i, t_2i+1) − K(s_2i, t_2i+1) − K(s_2i+1, t_2i)],
     * q = ⌊min(ns, nt)/2⌋ (rows 0-based), with the bandwidth base the mean or median of those 4q squared distances.
     */
    public static double linearMmd2(double[][] source, double[][] target, double[] multipliers, boolean median) {
        return linearMmd2WithBase(source, target, multipliers, linearBandwidthBase(source, target, median));
    }

    /** Mean or median of the 4q squared distances the linear estimator uses. */
    public static double linearBandwidthBase(double[][] source, double[][] target, boolean median) {
        java.util.List<Double> all = new java.util.ArrayList<>();
        for (double[] quadruple : quadrupleDistances(source, target)) {
            for (double v : quadruple) {
                all.add(v);
            }
        }
        return median ? median(all) : all.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** The linear estimator with a given bandwidth base. */
    public static double linearMmd2WithBase(double[][] source, double[][] target, double[] multipliers, double base) {
        double[][] d = quadrupleDistances(source, target);
        double sum = 0.0;
        for (double[] quadruple : d) {
            sum += kernel(quadruple[0], multipliers, base) + kernel(quadruple[1], multipliers, base)
                    - kernel(quadruple[2], multipliers, base) - kernel(quadruple[3], multipliers, base);
        }
        return sum / d.length;
    }

    private static double[][] quadrupleDistances(double[][] source, double[][] target) {
        int q = Math.min(source.length, target.length) / 2;
        double[][] d = new double[q][];
        for (int i = 0; i < q; i++) {
            double[] s = source[2 * i];
            double[] sPrime = source[2 * i + 1];
            double[] t = target[2 * i];
            double[] tPrime = target[2 * i + 1];
            d[i] = new double[] {squaredDistance(s, sPrime), squaredDistance(t, tPrime), squaredDistance(s, tPrime),
                squaredDistance(sPrime, t)};
        }
        return d;
    }

    private static double kernel(double squaredDistance, double[] multipliers, double base) {
        double k = 0.0;
        for (double m : multipliers) {
            k += Math.exp(-squaredDistance / (base * m));
        }
        return k / multipliers.length;
    }

    private static double median(java.util.List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** MMD² with the bandwidth computed from the batch. */
    public static double mmd2(double[][] source, double[][] target, double[] multipliers) {
        return mmd2(source, target, multipliers, bandwidthBase(source, target));
    }

    /** MMD² with a given bandwidth base. */
    public static double mmd2(double[][] source, double[][] target, double[] multipliers, double base) {
        return meanKernel(source, source, multipliers, base) + meanKernel(target, target, multipliers, base)
                - 2.0 * meanKernel(source, target, multipliers, base);
    }

    private static double meanKernel(double[][] a, double[][] b, double[] multipliers, double base) {
        double sum = 0.0;
        for (double[] x : a) {
            for (double[] y : b) {
                double d = squaredDistance(x, y);
                sum += kernel(d, multipliers, base);
            }
        }
        return sum / (a.length * (double) b.length);
    }

    private static double squaredDistance(double[] x, double[] y) {
        double d = 0.0;
        for (int k = 0; k < x.length; k++) {
            d += (x[k] - y[k]) * (x[k] - y[k]);
        }
        return d;
    }

    private static double[][] join(double[][] a, double[][] b) {
        double[][] joint = new double[a.length + b.length][];
        System.arraycopy(a, 0, joint, 0, a.length);
        System.arraycopy(b, 0, joint, a.length, b.length);
        return joint;
    }
}
