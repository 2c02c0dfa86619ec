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
                double k = 0.0;
                for (double m : multipliers) {
                    k += Math.exp(-d / (base * m));
                }
                sum += k / multipliers.length;
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
