package io.kadapt.loss;

import java.util.Arrays;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-kernel maximum mean discrepancy between source and target features, the domain term of DAN
 * (Long et al. 2015, "Learning Transferable Features with Deep Adaptation Networks").
 *
 * <p>Value: the biased (V-statistic) quadratic estimator of Gretton et al. 2012 ("A Kernel Two-Sample Test", eq. 5),
 * MMD² = mean K(s,s') + mean K(t,t') − 2·mean K(s,t), where the means run over all pairs, diagonals included. K is
 * the <em>average</em> (sum divided by the number of kernels, equal weights) of Gaussian kernels
 * exp(−‖a−b‖² / (base·m)) over the multipliers m (default 2⁻², 2⁻¹, 1, 2, 4). base is the mean squared distance
 * over the distinct pairs (i ≠ j) of the joint batch source ∪ target, as in the DAN/JAN reference code.
 *
 * <p>The bandwidth is detached from the gradient (stop-gradient): it is a data-driven hyper-parameter, not something
 * to optimise, and the reference implementations (and the PyTorch baseline we benchmark against) treat it as a
 * constant. Backpropagating through it would also let the features shrink or inflate the kernel scale to lower the
 * discrepancy instead of aligning the distributions.
 */
public final class MmdLoss implements DomainLoss {

    private static final double[] DEFAULT_MULTIPLIERS = {0.25, 0.5, 1.0, 2.0, 4.0};

    /**
     * Floor of the bandwidth: when every feature vector is identical (dead units), base would be 0 and the kernel
     * 0/0; with the floor every kernel entry is 1 and the discrepancy 0, which is the right answer.
     */
    private static final double MIN_BANDWIDTH = 1e-12;

    private final double[] multipliers;

    /** The five default bandwidth multipliers 2⁻², 2⁻¹, 1, 2, 4. */
    public MmdLoss() {
        this(DEFAULT_MULTIPLIERS);
    }

    /** @param multipliers bandwidth multipliers m, each finite and positive */
    public MmdLoss(double... multipliers) {
        this.multipliers = checkedMultipliers(multipliers);
    }

    public static double[] defaultMultipliers() {
        return DEFAULT_MULTIPLIERS.clone();
    }

    public double[] multipliers() {
        return multipliers.clone();
    }

    @Override
    public String name() {
        return "mmd";
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        return multiKernelMmd2(sd, in.sourceFeatures(), in.targetFeatures(), multipliers);
    }

    /**
     * Adds MMD² between {@code source} [ns, d] and {@code target} [nt, d] to {@code sd}, as described on the class;
     * usable without an {@code MmdLoss} term, e.g. to monitor the domain gap.
     *
     * @return a scalar in the dtype of the features
     */
    public static SDVariable multiKernelMmd2(SameDiff sd, SDVariable source, SDVariable target,
                                             double... multipliers) {
        double[] ms = checkedMultipliers(multipliers);
        DataType dtype = source.dataType();
        SDVariable joint = sd.concat(0, source, target);                        // [n, d]
        SDVariable gram = sd.mmul(joint, joint, false, true, false);             // [n, n]
        // Squared norms from the Gram diagonal, not a sum over the feature axis: in M2.1 a SameDiff reduction
        // over an axis of length 1 throws (NullPointerException in BaseReduceOp.noOp), so d = 1 would break.
        SDVariable squaredNorms = sd.math().diagPart(gram).reshape(-1, 1);      // [n, 1]
        SDVariable squaredDistances = squaredNorms.add(sd.transpose(squaredNorms)).sub(gram.mul(2.0));

        SDVariable ns = sd.sizeAt(source, 0).castTo(dtype);
        SDVariable nt = sd.sizeAt(target, 0).castTo(dtype);
        SDVariable n = ns.add(nt);
        // Division by an in-graph scalar is written as multiplication by its reciprocal: in M2.1 the gradient of
        // x.div(s) with respect to a broadcast scalar s is wrong (checked against finite differences).
        SDVariable meanDistance = squaredDistances.sum().mul(n.mul(n.sub(1.0)).rdiv(1.0));
        SDVariable floor = sd.constant(Nd4j.scalar(dtype, MIN_BANDWIDTH));
        SDVariable base = new StopGradient(sd, sd.math().max(meanDistance, floor)).outputVariable();

        SDVariable negativeScaled = squaredDistances.mul(base.rdiv(-1.0));                  // −d²/base, [n, n]

        // w = (1/ns, …, 1/ns, −1/nt, …, −1/nt): Σ_ij w_i·w_j·K_ij is exactly mean Kss + mean Ktt − 2 mean Kst.
        SDVariable weights = sd.concat(0, sd.onesLike(firstColumn(source)).mul(ns.rdiv(1.0)),
                sd.onesLike(firstColumn(target)).mul(nt.rdiv(-1.0)));                   // [n, 1]
        SDVariable pairWeights = sd.mmul(weights, weights, false, true, false).reshape(-1, 1);  // [n², 1]

        // All kernels at once as matrix products, exp(m⁻¹ ⊗ (−d²/base)) · vec(w wᵀ): a handful of SameDiff ops
        // instead of three per kernel (per-op overhead dominates a step), and BLAS-backed backward passes where a
        // broadcast multiply's backward pass is very slow in M2.1.
        double[] inverse = new double[ms.length];
        for (int i = 0; i < ms.length; i++) {
            inverse[i] = 1.0 / ms[i];
        }
        SDVariable inverseMultipliers = sd.constant(
                Nd4j.create(inverse, new long[] {ms.length, 1}, DataType.DOUBLE).castTo(dtype));   // [M, 1]
        SDVariable exponents = sd.mmul(inverseMultipliers, negativeScaled.reshape(1, -1));    // [M, n²]
        SDVariable perKernel = sd.mmul(sd.math().exp(exponents), pairWeights);                 // [M, 1]
        return perKernel.sum().mul(1.0 / ms.length);
    }

    private static SDVariable firstColumn(SDVariable x) {
        return x.get(SDIndex.all(), SDIndex.interval(0, 1));
    }

    private static double[] checkedMultipliers(double[] multipliers) {
        if (multipliers == null || multipliers.length == 0) {
            throw new IllegalArgumentException("MMD needs at least one bandwidth multiplier");
        }
        for (double m : multipliers) {
            if (!(m > 0.0) || Double.isInfinite(m)) {
                throw new IllegalArgumentException("MMD bandwidth multipliers must be finite and > 0, got "
                        + Arrays.toString(multipliers));
            }
        }
        return multipliers.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MmdLoss other && Arrays.equals(other.multipliers, multipliers);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(multipliers);
    }

    @Override
    public String toString() {
        return "MmdLoss[multipliers=" + Arrays.toString(multipliers) + "]";
    }
}
