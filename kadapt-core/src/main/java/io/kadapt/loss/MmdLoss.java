package io.kadapt.loss;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * <p>K is the <em>average</em> (sum divided by the number of kernels) of Gaussian kernels exp(−‖a−b‖² / (base·m))
 * over the multipliers m (default 2⁻², 2⁻¹, 1, 2, 4). Two estimators of Gretton et al. 2012 ("A Kernel Two-Sample
 * Test"):
 * <ul>
 *   <li>{@code quadratic} (default): the biased V-statistic, eq. 5, MMD² = mean K(s,s') + mean K(t,t') −
 *   2·mean K(s,t) with the means over all pairs, diagonals included; base is the mean (or median) squared
 *   distance over the distinct pairs i ≠ j of the joint batch source ∪ target, as in the DAN/JAN reference code.
 *   O((ns+nt)²·d).</li>
 *   <li>{@code linear}: the unbiased linear-time statistic, Lemma 14, MMD²_l = (1/q)·Σ_i h(z_{2i−1}, z_{2i}) with
 *   h((s,t),(s',t')) = K(s,s') + K(t,t') − K(s,t') − K(s',t), over q = ⌊min(ns, nt)/2⌋ disjoint quadruples of
 *   consecutive rows (0-based: 2i and 2i+1); base is the mean (or median) of the 4q distances it uses, so the whole term is
 *   O(min(ns, nt)·d). With a single row in a batch, that row is paired with itself (q = 1).
 *   It is noisier than the quadratic estimator at the same batch size (it looks at far fewer pairs).</li>
 * </ul>
 *
 * <p>The bandwidth is detached from the gradient: it is a data-driven hyper-parameter, not something to optimise,
 * and the reference implementations (and the PyTorch baseline we benchmark against) treat it as a constant.
 * Backpropagating through it would also let the features shrink or inflate the kernel scale to lower the
 * discrepancy instead of aligning the distributions. The median is the "median heuristic" (Gretton et al. 2012,
 * §8), robust to a few far-away samples that inflate the mean; with an even count it is the average of the two
 * middle values.
 */
public final class MmdLoss implements DomainLoss {

    /** {@code loss.domain=mmd}, the default domain term. */
    public static final DomainTerm TERM = new DomainTerm("mmd", DomainTerm.ANY_TASK, List.of(
            new TermKey("loss.mmd.bandwidth", "mean", "Bandwidth base of the mmd kernels: mean or median pairwise"
                    + " squared distance of the batch's features."),
            new TermKey("loss.mmd.multipliers", "0.25,0.5,1,2,4", "Multipliers of the bandwidth base, one Gaussian"
                    + " kernel each, comma-separated, each > 0."),
            new TermKey("loss.mmd.estimator", "quadratic", "MMD² estimator: quadratic (all pairs, biased) or linear"
                    + " (Gretton et al. 2012, O(n), unbiased).")),
            s -> new MmdLoss(
                    Bandwidth.fromConfigName(s.string("loss.mmd.bandwidth")).orElseThrow(() ->
                            new IllegalArgumentException("loss.mmd.bandwidth must be mean or median, got '"
                                    + s.string("loss.mmd.bandwidth") + "'")),
                    Estimator.fromConfigName(s.string("loss.mmd.estimator")).orElseThrow(() ->
                            new IllegalArgumentException("loss.mmd.estimator must be quadratic or linear, got '"
                                    + s.string("loss.mmd.estimator") + "'")),
                    s.numbers("loss.mmd.multipliers", true)));

    private static final double[] DEFAULT_MULTIPLIERS = {0.25, 0.5, 1.0, 2.0, 4.0};

    /**
     * Floor of the bandwidth: when every feature vector is identical (dead units), base would be 0 and the kernel
     * 0/0; with the floor every kernel entry is 1 and the discrepancy 0, which is the right answer.
     */
    private static final double MIN_BANDWIDTH = 1e-12;

    /** Where the bandwidth base comes from. */
    public enum Bandwidth {
        MEAN, MEDIAN;

        public static Optional<Bandwidth> fromConfigName(String name) {
            return Arrays.stream(values()).filter(b -> b.name().equalsIgnoreCase(name)).findFirst();
        }
    }

    /** Which estimator of MMD². */
    public enum Estimator {
        QUADRATIC, LINEAR;

        public static Optional<Estimator> fromConfigName(String name) {
            return Arrays.stream(values()).filter(e -> e.name().equalsIgnoreCase(name)).findFirst();
        }
    }

    private final Bandwidth bandwidth;
    private final Estimator estimator;
    private final double[] multipliers;

    /** The shipped configuration: mean bandwidth, quadratic estimator, multipliers 2⁻², 2⁻¹, 1, 2, 4. */
    public MmdLoss() {
        this(DEFAULT_MULTIPLIERS);
    }

    /** @param multipliers bandwidth multipliers m, each finite and positive */
    public MmdLoss(double... multipliers) {
        this(Bandwidth.MEAN, Estimator.QUADRATIC, multipliers);
    }

    /** @param multipliers bandwidth multipliers m, each finite and positive */
    public MmdLoss(Bandwidth bandwidth, Estimator estimator, double... multipliers) {
        this.bandwidth = Objects.requireNonNull(bandwidth, "bandwidth");
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.multipliers = checkedMultipliers(multipliers);
    }

    public static double[] defaultMultipliers() {
        return DEFAULT_MULTIPLIERS.clone();
    }

    public double[] multipliers() {
        return multipliers.clone();
    }

    public Bandwidth bandwidth() {
        return bandwidth;
    }

    public Estimator estimator() {
        return estimator;
    }

    @Override
    public String name() {
        return "mmd";
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        return discrepancy(sd, in.sourceFeatures(), in.targetFeatures());
    }

    /** This term's MMD² between {@code source} [ns, d] and {@code target} [nt, d], as a scalar. */
    public SDVariable discrepancy(SameDiff sd, SDVariable source, SDVariable target) {
        return estimator == Estimator.QUADRATIC ? quadratic(sd, source, target) : linear(sd, source, target);
    }

    private SDVariable quadratic(SameDiff sd, SDVariable source, SDVariable target) {
        DataType dtype = source.dataType();
        SDVariable joint = sd.concat(0, source, target);                        // [n, d]
        SDVariable gram = sd.mmul(joint, joint, false, true, false);             // [n, n]
        // Squared norms from the Gram diagonal, not a sum over the feature axis: in M2.1 a SameDiff reduction
        // over an axis of length 1 throws (NullPointerException in BaseReduceOp.noOp), so d = 1 would break.
        SDVariable squaredNorms = sd.math().diagPart(gram).reshape(-1, 1);      // [n, 1]
        SDVariable squaredDistances = squaredNorms.add(sd.transpose(squaredNorms)).sub(gram.mul(2.0));

        SDVariable ns = BatchOps.rows(sd, source);
        SDVariable nt = BatchOps.rows(sd, target);
        SDVariable base;
        if (bandwidth == Bandwidth.MEAN) {
            SDVariable n = ns.add(nt);
            base = squaredDistances.sum().mul(n.mul(n.sub(1.0)).rdiv(1.0));
        } else {
            // The n diagonal zeros sort first; the n(n−1) off-diagonal entries are each distinct pair twice, so the
            // median of the N = n(n−1)/2 pairs is the mean of the sorted entries n+N−1 and n+N (0-based).
            SDVariable n = sd.sizeAt(joint, 0).castTo(DataType.INT64);
            SDVariable upper = n.add(n.mul(n.sub(1L)).div(2L));
            base = BatchMedian.meanOfOrderStatistics(sd, sd.nn().relu(squaredDistances, 0.0).reshape(-1),
                    upper.sub(1L), upper);
        }
        SDVariable negativeScaled = squaredDistances.mul(detachedFloor(sd, base, dtype).rdiv(-1.0)); // −d²/base

        // w = (1/ns, …, 1/ns, −1/nt, …, −1/nt): Σ_ij w_i·w_j·K_ij is exactly mean Kss + mean Ktt − 2 mean Kst.
        SDVariable weights = sd.concat(0, BatchOps.onesColumn(sd, source).mul(ns.rdiv(1.0)),
                BatchOps.onesColumn(sd, target).mul(nt.rdiv(-1.0)));                          // [n, 1]
        SDVariable pairWeights = sd.mmul(weights, weights, false, true, false).reshape(-1, 1);  // [n², 1]
        return kernelAverage(sd, negativeScaled.reshape(1, -1), pairWeights);
    }

    private SDVariable linear(SameDiff sd, SDVariable source, SDVariable target) {
        DataType dtype = source.dataType();
        // q = ⌊m/2⌋ quadruples, m = min(ns, nt), or one when m = 1 (see the class comment).
        SDVariable m = sd.math().min(sd.sizeAt(source, 0), sd.sizeAt(target, 0)).castTo(DataType.INT64);
        SDVariable q = sd.math().max(sd.math().floorDiv(m, integer(sd, 2)), integer(sd, 1));
        SDVariable[] s = consecutivePairs(sd, source, q);
        SDVariable[] t = consecutivePairs(sd, target, q);
        SDVariable distances = sd.concat(0, squaredRowDistances(sd, s[0], s[1]), squaredRowDistances(sd, t[0], t[1]),
                squaredRowDistances(sd, s[0], t[1]), squaredRowDistances(sd, s[1], t[0]));     // [4q, 1]
        SDVariable count = BatchOps.rows(sd, s[0]);
        SDVariable base;
        if (bandwidth == Bandwidth.MEAN) {
            base = distances.sum().mul(count.mul(4.0).rdiv(1.0));
        } else {
            SDVariable half = q.mul(2L);                                                        // 4q/2
            base = BatchMedian.meanOfOrderStatistics(sd, distances.reshape(-1), half.sub(1L), half);
        }
        SDVariable negativeScaled = distances.mul(detachedFloor(sd, base, dtype).rdiv(-1.0));
        SDVariable plus = BatchOps.onesColumn(sd, s[0]).mul(count.rdiv(1.0));                    // [q, 1]
        SDVariable minus = BatchOps.onesColumn(sd, s[0]).mul(count.rdiv(-1.0));
        SDVariable weights = sd.concat(0, plus, plus, minus, minus);                             // [4q, 1]
        return kernelAverage(sd, negativeScaled.reshape(1, -1), weights);
    }

    /**
     * Rows (0, 2, …, 2q−2) and (1, 3, …, 2q−1) of {@code x} [n, d], by slicing the first 2q rows and folding them to
     * [q, 2d]: slices and reshapes, because the backward pass of a gather by computed indices breaks in M2.1 (its
     * while-loop names collide). The first row is appended so that n = 1 still yields the pair (x₀, x₀).
     */
    private static SDVariable[] consecutivePairs(SameDiff sd, SDVariable x, SDVariable q) {
        SDVariable extended = sd.concat(0, x, x.get(SDIndex.interval(0, 1), SDIndex.all()));
        SDVariable d = sd.sizeAt(x, 1).castTo(DataType.INT64);
        SDVariable zero = integer(sd, 0);
        SDVariable rows = sd.slice(extended, vector(sd, zero, zero), vector(sd, q.mul(2L), d));
        SDVariable folded = sd.reshape(rows, vector(sd, q, d.mul(2L)));
        return new SDVariable[] {sd.slice(folded, vector(sd, zero, zero), vector(sd, q, d)),
            sd.slice(folded, vector(sd, zero, d), vector(sd, q, d))};
    }

    private static SDVariable integer(SameDiff sd, long value) {
        return sd.constant(Nd4j.scalar(DataType.INT64, value));
    }

    private static SDVariable vector(SameDiff sd, SDVariable first, SDVariable second) {
        return sd.concat(0, first.reshape(1), second.reshape(1));
    }

    /** ‖x_i − y_i‖² row by row, as a column [q, 1]. */
    private static SDVariable squaredRowDistances(SameDiff sd, SDVariable x, SDVariable y) {
        SDVariable difference = x.sub(y);
        return BatchOps.rowSums(sd, difference.mul(difference));
    }

    private static SDVariable detachedFloor(SameDiff sd, SDVariable base, DataType dtype) {
        SDVariable floor = sd.constant(Nd4j.scalar(dtype, MIN_BANDWIDTH));
        return new StopGradient(sd, sd.math().max(base, floor)).outputVariable();
    }

    /**
     * (1/M)·Σ_m Σ_p w_p·exp(negativeScaled_p / m) for a row [1, P] of −d²/base and weights [P, 1]: all kernels at
     * once as matrix products, a handful of SameDiff ops instead of three per kernel (per-op overhead dominates a
     * step), and BLAS-backed backward passes where a broadcast multiply's backward pass is very slow in M2.1.
     */
    private SDVariable kernelAverage(SameDiff sd, SDVariable negativeScaled, SDVariable weights) {
        double[] inverse = new double[multipliers.length];
        for (int i = 0; i < multipliers.length; i++) {
            inverse[i] = 1.0 / multipliers[i];
        }
        SDVariable inverseMultipliers = sd.constant(Nd4j.create(inverse, new long[] {multipliers.length, 1},
                DataType.DOUBLE).castTo(negativeScaled.dataType()));                            // [M, 1]
        SDVariable exponents = sd.mmul(inverseMultipliers, negativeScaled);                     // [M, P]
        return sd.mmul(sd.math().exp(exponents), weights).sum().mul(1.0 / multipliers.length);
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
        return o instanceof MmdLoss other && other.bandwidth == bandwidth && other.estimator == estimator
                && Arrays.equals(other.multipliers, multipliers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bandwidth, estimator, Arrays.hashCode(multipliers));
    }

    @Override
    public String toString() {
        return "MmdLoss[bandwidth=" + bandwidth + ", estimator=" + estimator + ", multipliers="
                + Arrays.toString(multipliers) + "]";
    }
}
