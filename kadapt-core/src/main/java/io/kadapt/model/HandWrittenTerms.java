package io.kadapt.model;

import io.kadapt.loss.ConditionalAdversarialLoss;
import io.kadapt.loss.CoralLoss;
import io.kadapt.loss.DomainAdversarialLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.InformationMaximizationLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.loss.PseudoLabelLoss;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The domain terms of the fast engine, written out by hand from their definitions in {@code io.kadapt.loss} (each
 * kernel cites its class; the formulas and the papers are there) and tested against SameDiff's differentiation of
 * those definitions. Matrix products go to BLAS into {@link StepBuffers}; the rest are Java loops in double.
 */
final class HandWrittenTerms {

    private HandWrittenTerms() {
    }

    /** A domain term d: adds λ·∂d/∂(logits or features) to the step's gradients, writes its own, returns d. */
    interface Term {
        /** Whether the gradient goes to the logits (before the head's backward pass) rather than the features. */
        boolean onLogits();

        double apply(StepBuffers buffers, double lambda);
    }

    static boolean covers(DomainLoss term) {
        return term.perturbedView().isEmpty() && (term instanceof MmdLoss || term instanceof CoralLoss
                || term instanceof DomainAdversarialLoss || term instanceof ConditionalAdversarialLoss
                || term instanceof InformationMaximizationLoss || term instanceof PseudoLabelLoss);
    }

    /** Whether the term creates trainable variables (a domain classifier). */
    static boolean hasVariables(DomainLoss term) {
        return term instanceof DomainAdversarialLoss || term instanceof ConditionalAdversarialLoss;
    }

    static Term of(DomainLoss term, Map<String, INDArray> parameters, Map<String, INDArray> gradients) {
        if (term instanceof MmdLoss mmd) {
            return new Mmd(mmd.bandwidth(), mmd.estimator(), mmd.multipliers());
        }
        if (term instanceof CoralLoss) {
            return new Coral();
        }
        if (term instanceof DomainAdversarialLoss || term instanceof ConditionalAdversarialLoss) {
            return new Adversarial(term.name(), term instanceof ConditionalAdversarialLoss, parameters, gradients);
        }
        if (term instanceof InformationMaximizationLoss im) {
            return new Entropy(im.diversityWeight());
        }
        if (term instanceof PseudoLabelLoss pl) {
            return new PseudoLabel(pl.threshold());
        }
        throw new IllegalArgumentException("no hand-written kernel for domain term '" + term.name() + "'");
    }

    @SuppressWarnings("unchecked")
    private static <T> T buffersOf(StepBuffers b, Object owner, java.util.function.Function<StepBuffers, T> create) {
        Object existing = b.termBuffers.get(owner);
        if (existing == null) {
            existing = create.apply(b);
            b.termBuffers.put(owner, existing);
        }
        return (T) existing;
    }

    /**
     * {@link MmdLoss}: K̄(a, b) = (1/M)·Σ_m exp(−‖a−b‖²/(base·m)), base detached. Quadratic: Σ_ij w_i w_j K̄_ij with
     * w = (1/ns…, −1/nt…), distances from the Gram matrix of the centred features;
     * ∂/∂F = 4·diag(rowsum P)·F − 4·P·F with P = ∂/∂D.
     * Linear: over the consecutive-row quadruples. When the multipliers halve one after the other (the default
     * 4, 2, 1, ½, ¼) each kernel is the square of the previous one: one exp per distance instead of M.
     */
    static final class Mmd implements Term {
        private static final double MIN_BANDWIDTH = 1e-12;

        private final MmdLoss.Bandwidth bandwidth;
        private final MmdLoss.Estimator estimator;
        private final double[] multipliers;
        /** The multipliers largest first, and whether each is half the previous one. */
        private final double[] descending;
        private final boolean halving;

        Mmd(MmdLoss.Bandwidth bandwidth, MmdLoss.Estimator estimator, double[] multipliers) {
            this.bandwidth = bandwidth;
            this.estimator = estimator;
            this.multipliers = multipliers.clone();
            this.descending = multipliers.clone();
            Arrays.sort(descending);
            for (int i = 0; i < descending.length / 2; i++) {
                double t = descending[i];
                descending[i] = descending[descending.length - 1 - i];
                descending[descending.length - 1 - i] = t;
            }
            boolean halves = true;
            for (int i = 1; i < descending.length; i++) {
                halves &= descending[i] * 2.0 == descending[i - 1];
            }
            this.halving = halves;
        }

        /** The model's MMD² monitor: the default term. */
        static Mmd monitor() {
            return new Mmd(MmdLoss.Bandwidth.MEAN, MmdLoss.Estimator.QUADRATIC, MmdLoss.defaultMultipliers());
        }

        @Override
        public boolean onLogits() {
            return false;
        }

        @Override
        public double apply(StepBuffers b, double lambda) {
            return estimator == MmdLoss.Estimator.QUADRATIC ? quadratic(b, lambda, true) : linear(b, lambda);
        }

        /** The value alone, for the monitor. */
        double value(StepBuffers b) {
            return quadratic(b, 0.0, false);
        }

        /**
         * K̄(d) into out[0] and ∂K̄/∂d into out[1]; {@code inverse} holds 1/(base·m) for the multipliers (largest m
         * first when halving).
         */
        private void kernel(double distance, double[] inverse, double[] out) {
            double value = 0.0;
            double slope = 0.0;
            if (halving) {
                double e = Math.exp(-distance * inverse[0]);
                for (int m = 0; m < inverse.length; m++) {
                    if (m > 0) {
                        e *= e;
                    }
                    value += e;
                    slope -= e * inverse[m];
                }
            } else {
                for (double inv : inverse) {
                    double e = Math.exp(-distance * inv);
                    value += e;
                    slope -= e * inv;
                }
            }
            out[0] = value / inverse.length;
            out[1] = slope / inverse.length;
        }

        /** 1/(base·m) for each multiplier, in the order {@link #kernel} reads them, into {@code out}. */
        private void inverses(double base, double[] out) {
            double[] order = halving ? descending : multipliers;
            for (int m = 0; m < order.length; m++) {
                out[m] = 1.0 / (base * order[m]);
            }
        }

        private double quadratic(StepBuffers b, double lambda, boolean gradient) {
            QuadraticBuffers q = (QuadraticBuffers) b.termBuffers.get(this);
            if (q == null) {
                q = new QuadraticBuffers(b);
                b.termBuffers.put(this, q);
            }
            int n = b.n;
            double[] gram = q.gram;
            b.gram().read(gram, n * n);
            double[] squared = q.squaredNorms;
            for (int i = 0; i < n; i++) {
                squared[i] = gram[i * n + i];
            }
            double[] d = q.distances;
            int pairs = 0;
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double distance = squared[i] + squared[j] - 2.0 * gram[i * n + j];
                    d[pairs++] = distance;
                    sum += distance;
                }
            }
            double base;
            if (bandwidth == MmdLoss.Bandwidth.MEAN) {
                base = 2.0 * sum / ((double) n * (n - 1));
            } else {
                // MmdLoss takes the entries n+N−1 and n+N of the n² sorted entries of relu(D): n zeros, then each
                // of the N pairs twice, so the pairs ⌊(N−1)/2⌋ and ⌊N/2⌋ (the same one when N is odd).
                for (int p = 0; p < pairs; p++) {
                    q.selection[p] = Math.max(d[p], 0.0);
                }
                base = meanOfOrderStatistics(q.selection, pairs, (pairs - 1) / 2, pairs / 2);
            }
            inverses(Math.max(base, MIN_BANDWIDTH), q.inverse);
            double[] k = q.kernel;
            double[] rowSums = q.rowSums;
            double[] pairGrads = q.pairGradValues;
            double value = 0.0;
            for (int i = 0; i < n; i++) {
                double wi = weight(b, i);
                value += wi * wi; // K̄(0) = 1 on the diagonal
                rowSums[i] = 0.0;
            }
            int p = 0;
            for (int i = 0; i < n; i++) {
                double wi = weight(b, i);
                for (int j = i + 1; j < n; j++) {
                    kernel(d[p++], q.inverse, k);
                    double wij = wi * weight(b, j);
                    value += 2.0 * wij * k[0];
                    if (gradient) {
                        double slope = lambda * wij * k[1];
                        pairGrads[i * n + j] = slope;
                        pairGrads[j * n + i] = slope;
                        rowSums[i] += slope;
                        rowSums[j] += slope;
                    }
                }
            }
            if (gradient) {
                q.pairGradView.write(pairGrads, n * n); // the diagonal stays 0
                // Σ_j P_ij (f_i − f_j) does not depend on the centre either: centred features cancel less.
                Blas.gemm(q.pairGrads, b.centredFeatures(), b.featureGrads, false, false, -4.0, 1.0);
                int width = b.featureDim;
                double[] centred = q.features;
                double[] grads = q.featureGrads;
                b.centredFeatureView().read(centred, n * width);
                b.featureGradView.read(grads, n * width);
                for (int i = 0; i < n; i++) {
                    double scale = 4.0 * rowSums[i];
                    for (int c = 0; c < width; c++) {
                        grads[i * width + c] += scale * centred[i * width + c];
                    }
                }
                b.featureGradView.write(grads, n * width);
            }
            return value;
        }

        private static double weight(StepBuffers b, int row) {
            return row < b.ns ? 1.0 / b.ns : -1.0 / b.nt;
        }

        /**
         * Quadruples i = 0…q−1 of rows (2i, 2i+1) of each domain, q = max(⌊min(ns, nt)/2⌋, 1); a missing second row
         * (a batch of one) is the first row again.
         */
        private double linear(StepBuffers b, double lambda) {
            int q = Math.max(Math.min(b.ns, b.nt) / 2, 1);
            LinearBuffers lb = (LinearBuffers) b.termBuffers.get(this);
            if (lb == null) {
                lb = new LinearBuffers(b);
                b.termBuffers.put(this, lb);
            }
            int[] first = lb.first;
            int[] second = lb.second;
            for (int i = 0; i < q; i++) {
                int s0 = 2 * i;
                int s1 = 2 * i + 1 < b.ns ? 2 * i + 1 : 0;
                int t0 = b.ns + 2 * i;
                int t1 = b.ns + (2 * i + 1 < b.nt ? 2 * i + 1 : 0);
                set(first, second, i, s0, s1);
                set(first, second, q + i, t0, t1);
                set(first, second, 2 * q + i, s0, t1);
                set(first, second, 3 * q + i, s1, t0);
            }
            int count = 4 * q;
            double[] d = lb.distances;
            int width = b.featureDim;
            HostView f = b.featureView;
            double sum = 0.0;
            for (int p = 0; p < count; p++) {
                double distance = 0.0;
                for (int c = 0; c < width; c++) {
                    double diff = f.get(first[p] * width + c) - f.get(second[p] * width + c);
                    distance += diff * diff;
                }
                d[p] = distance;
                sum += distance;
            }
            double base;
            if (bandwidth == MmdLoss.Bandwidth.MEAN) {
                base = sum / count;
            } else {
                System.arraycopy(d, 0, lb.selection, 0, count);
                base = meanOfOrderStatistics(lb.selection, count, 2 * q - 1, 2 * q);
            }
            inverses(Math.max(base, MIN_BANDWIDTH), lb.inverse);
            double[] k = lb.kernel;
            double value = 0.0;
            for (int p = 0; p < count; p++) {
                double w = p < 2 * q ? 1.0 / q : -1.0 / q;
                kernel(d[p], lb.inverse, k);
                value += w * k[0];
                double scale = 2.0 * lambda * w * k[1];
                if (scale != 0.0) {
                    for (int c = 0; c < width; c++) {
                        int a = first[p] * width + c;
                        int z = second[p] * width + c;
                        double diff = f.get(a) - f.get(z);
                        b.featureGradView.add(a, scale * diff);
                        b.featureGradView.add(z, -scale * diff);
                    }
                }
            }
            return value;
        }

        private static void set(int[] first, int[] second, int p, int a, int z) {
            first[p] = a;
            second[p] = z;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mmd other && other.bandwidth == bandwidth && other.estimator == estimator
                    && Arrays.equals(other.multipliers, multipliers);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(multipliers);
        }

        private final class QuadraticBuffers {
            final double[] gram;
            final double[] squaredNorms;
            final double[] distances;
            final double[] selection;
            final double[] rowSums;
            final double[] kernel = new double[2];
            final double[] inverse = new double[multipliers.length];
            final double[] pairGradValues;
            final INDArray pairGrads;
            final HostView pairGradView;
            final double[] features;
            final double[] featureGrads;

            QuadraticBuffers(StepBuffers b) {
                int pairs = b.n * (b.n - 1) / 2;
                gram = new double[b.n * b.n];
                squaredNorms = new double[b.n];
                distances = new double[pairs];
                selection = new double[pairs];
                rowSums = new double[b.n];
                pairGradValues = new double[b.n * b.n]; // the diagonal stays 0
                pairGrads = Nd4j.create(b.dtype, b.n, b.n);
                pairGradView = HostView.of(pairGrads);
                features = new double[b.n * b.featureDim];
                featureGrads = new double[b.n * b.featureDim];
            }
        }

        private final class LinearBuffers {
            final int[] first;
            final int[] second;
            final double[] distances;
            final double[] selection;
            final double[] kernel = new double[2];
            final double[] inverse = new double[multipliers.length];

            LinearBuffers(StepBuffers b) {
                int count = 4 * Math.max(Math.min(b.ns, b.nt) / 2, 1);
                first = new int[count];
                second = new int[count];
                distances = new double[count];
                selection = new double[count];
            }
        }
    }

    /**
     * ½·(x₍ₖ₎ + x₍ₕ₎) of the first {@code length} entries of {@code values} (0-based order statistics, h = k or
     * k + 1), by quickselect; reorders {@code values}.
     */
    static double meanOfOrderStatistics(double[] values, int length, int k, int h) {
        select(values, 0, length - 1, k);
        double low = values[k];
        if (h == k) {
            return low;
        }
        double high = Double.POSITIVE_INFINITY;
        for (int i = k + 1; i < length; i++) {
            high = Math.min(high, values[i]);
        }
        return 0.5 * (low + high);
    }

    /** Hoare's selection: afterwards values[k] is the k-th smallest, smaller ones before it, larger after. */
    private static void select(double[] values, int left, int right, int k) {
        while (right > left) {
            double pivot = values[(left + right) >>> 1];
            int i = left;
            int j = right;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = values[i];
                    values[i] = values[j];
                    values[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return;
            }
        }
    }

    /**
     * {@link CoralLoss}: ‖C_s − C_t‖²_F/(4d²) with C = X_cᵀX_c/max(n−1, 1); ∂/∂X_s = X_c,s·Δ/(d²·m_s) and
     * −X_c,t·Δ/(d²·m_t) for Δ = C_s − C_t (the centring projection drops out: X_c's columns sum to 0).
     */
    static final class Coral implements Term {
        @Override
        public boolean onLogits() {
            return false;
        }

        @Override
        public double apply(StepBuffers b, double lambda) {
            CoralBuffers c = buffersOf(b, this, CoralBuffers::new);
            int d = b.featureDim;
            centre(b.featureView, 0, b.ns, d, c.sourceView, c.means);
            centre(b.featureView, b.ns, b.nt, d, c.targetView, c.means);
            double ms = Math.max(b.ns - 1, 1);
            double mt = Math.max(b.nt - 1, 1);
            Blas.gemm(c.sourceCentred, c.sourceCentred, c.sourceCov, true, false, 1.0 / ms, 0.0);
            Blas.gemm(c.targetCentred, c.targetCentred, c.targetCov, true, false, 1.0 / mt, 0.0);
            double sum = 0.0;
            for (int e = 0; e < d * d; e++) {
                double delta = c.sourceCovView.get(e) - c.targetCovView.get(e);
                c.sourceCovView.set(e, delta);
                sum += delta * delta;
            }
            double dd = (double) d * d;
            Blas.gemm(c.sourceCentred, c.sourceCov, b.sourceFeatureGrads, false, false, lambda / (dd * ms), 1.0);
            Blas.gemm(c.targetCentred, c.sourceCov, b.targetFeatureGrads, false, false, -lambda / (dd * mt), 1.0);
            return sum / (4.0 * dd);
        }

        private static void centre(HostView f, int from, int rows, int width, HostView out, double[] means) {
            Arrays.fill(means, 0.0);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < width; c++) {
                    means[c] += f.get((from + r) * width + c);
                }
            }
            for (int c = 0; c < width; c++) {
                means[c] /= rows;
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < width; c++) {
                    out.set(r * width + c, f.get((from + r) * width + c) - means[c]);
                }
            }
        }

        private static final class CoralBuffers {
            final INDArray sourceCentred;
            final INDArray targetCentred;
            final HostView sourceView;
            final HostView targetView;
            final INDArray sourceCov;
            final INDArray targetCov;
            final HostView sourceCovView;
            final HostView targetCovView;
            final double[] means;

            CoralBuffers(StepBuffers b) {
                int d = b.featureDim;
                sourceCentred = Nd4j.create(b.dtype, b.ns, d);
                targetCentred = Nd4j.create(b.dtype, b.nt, d);
                sourceView = HostView.of(sourceCentred);
                targetView = HostView.of(targetCentred);
                sourceCov = Nd4j.create(b.dtype, d, d);
                targetCov = Nd4j.create(b.dtype, d, d);
                sourceCovView = HostView.of(sourceCov);
                targetCovView = HostView.of(targetCov);
                means = new double[d];
            }
        }
    }

    /**
     * {@link DomainAdversarialLoss} and {@link ConditionalAdversarialLoss}: the domain classifier (ReLU hidden layer,
     * logit) on the features, or on the outer products f ⊗ p with p the detached softmax, behind the gradient
     * reversal; value ½·(mean_s softplus(z) + mean_t (softplus(z) − z)). The classifier descends λ·∇d, the features
     * receive −λ·∂d/∂f.
     */
    static final class Adversarial implements Term {
        private final boolean conditional;
        private final INDArray hiddenW;
        private final HostView hiddenB;
        private final INDArray outW;
        private final HostView outB;
        private final INDArray hiddenWGrad;
        private final HostView hiddenBGrad;
        private final INDArray outWGrad;
        private final HostView outBGrad;
        private final int width;

        Adversarial(String prefix, boolean conditional, Map<String, INDArray> parameters,
                    Map<String, INDArray> gradients) {
            this.conditional = conditional;
            hiddenW = parameters.get(prefix + "/hidden/W");
            hiddenB = HostView.of(parameters.get(prefix + "/hidden/b"));
            outW = parameters.get(prefix + "/out/W");
            outB = HostView.of(parameters.get(prefix + "/out/b"));
            hiddenWGrad = gradients.get(prefix + "/hidden/W");
            hiddenBGrad = HostView.of(gradients.get(prefix + "/hidden/b"));
            outWGrad = gradients.get(prefix + "/out/W");
            outBGrad = HostView.of(gradients.get(prefix + "/out/b"));
            width = Math.toIntExact(hiddenW.size(1));
        }

        @Override
        public boolean onLogits() {
            return false;
        }

        @Override
        public double apply(StepBuffers b, double lambda) {
            AdversarialBuffers a = buffersOf(b, this, buffers -> new AdversarialBuffers(buffers, conditional, width));
            int n = b.n;
            int d = b.featureDim;
            int classes = b.classes;
            INDArray input = b.features;
            if (conditional) {
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < classes; c++) {
                        double p = b.probabilities[i * classes + c];
                        int to = i * d * classes + c * d;
                        for (int k = 0; k < d; k++) {
                            a.inputView.set(to + k, p * b.featureView.get(i * d + k));
                        }
                    }
                }
                input = a.input;
            }
            Blas.gemm(input, hiddenW, a.hidden, false, false, 1.0, 0.0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < width; j++) {
                    int e = i * width + j;
                    double z = a.hiddenView.get(e) + hiddenB.get(j);
                    a.hiddenView.set(e, z < 0 ? 0.0 : z);
                    a.relu[e] = z > 0 ? 1.0 : 0.0;
                }
            }
            Blas.gemm(a.hidden, outW, a.logit, false, false, 1.0, 0.0);
            double source = 0.0;
            double target = 0.0;
            double bias = outB.get(0);
            double biasGrad = 0.0;
            for (int i = 0; i < n; i++) {
                double z = a.logitView.get(i) + bias;
                double shift = Math.max(z, 0.0);
                double softplus = shift + Math.log(Math.exp(-shift) + Math.exp(z - shift));
                double sigmoid = 1.0 / (1.0 + Math.exp(-z));
                double g;
                if (i < b.ns) {
                    source += softplus;
                    g = 0.5 * lambda * sigmoid / b.ns;
                } else {
                    target += softplus - z;
                    g = 0.5 * lambda * (sigmoid - 1.0) / b.nt;
                }
                a.logitGradView.set(i, g);
                biasGrad += g;
            }
            outBGrad.set(0, biasGrad);
            Blas.gemm(a.hidden, a.logitGrad, outWGrad, true, false, 1.0, 0.0);
            Blas.gemm(a.logitGrad, outW, a.hiddenGrad, false, true, 1.0, 0.0);
            for (int e = 0; e < n * width; e++) {
                a.hiddenGradView.set(e, a.hiddenGradView.get(e) * a.relu[e]);
            }
            FastEngine.columnSums(a.hiddenGradView, n, width, hiddenBGrad, a.columnSums);
            Blas.gemm(input, a.hiddenGrad, hiddenWGrad, true, false, 1.0, 0.0);
            if (!conditional) {
                Blas.gemm(a.hiddenGrad, hiddenW, b.featureGrads, false, true, -1.0, 1.0); // the reversal
            } else {
                Blas.gemm(a.hiddenGrad, hiddenW, a.inputGrad, false, true, 1.0, 0.0);
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < d; k++) {
                        double g = 0.0;
                        for (int c = 0; c < classes; c++) {
                            g += b.probabilities[i * classes + c] * a.inputGradView.get(i * d * classes + c * d + k);
                        }
                        b.featureGradView.add(i * d + k, -g);
                    }
                }
            }
            return 0.5 * (source / b.ns + target / b.nt);
        }

        private static final class AdversarialBuffers {
            final INDArray input;
            final HostView inputView;
            final INDArray inputGrad;
            final HostView inputGradView;
            final INDArray hidden;
            final HostView hiddenView;
            final double[] relu;
            final INDArray logit;
            final HostView logitView;
            final INDArray logitGrad;
            final HostView logitGradView;
            final INDArray hiddenGrad;
            final HostView hiddenGradView;
            final double[] columnSums;

            AdversarialBuffers(StepBuffers b, boolean conditional, int width) {
                int inputWidth = b.featureDim * b.classes;
                input = conditional ? Nd4j.create(b.dtype, b.n, inputWidth) : null;
                inputView = conditional ? HostView.of(input) : null;
                inputGrad = conditional ? Nd4j.create(b.dtype, b.n, inputWidth) : null;
                inputGradView = conditional ? HostView.of(inputGrad) : null;
                hidden = Nd4j.create(b.dtype, b.n, width);
                hiddenView = HostView.of(hidden);
                relu = new double[b.n * width];
                logit = Nd4j.create(b.dtype, b.n, 1);
                logitView = HostView.of(logit);
                logitGrad = Nd4j.create(b.dtype, b.n, 1);
                logitGradView = HostView.of(logitGrad);
                hiddenGrad = Nd4j.create(b.dtype, b.n, width);
                hiddenGradView = HostView.of(hiddenGrad);
                columnSums = new double[width];
            }
        }
    }

    /**
     * {@link InformationMaximizationLoss} on the target rows: mean_i H(p_i) − β·H(p̄);
     * ∂H_i/∂z_ij = −p_ij(log p_ij + H_i), ∂H(p̄)/∂z_ij = (p_ij/nt)(g_j − Σ_c p_ic g_c) with
     * g_c = −(log(p̄_c + ε) + p̄_c/(p̄_c + ε)).
     */
    record Entropy(double diversity) implements Term {
        private static final double LOG_FLOOR = 1e-12;

        @Override
        public boolean onLogits() {
            return true;
        }

        @Override
        public double apply(StepBuffers b, double lambda) {
            int classes = b.classes;
            double[] p = b.probabilities;
            double[] logP = b.logProbabilities;
            double[] entropies = b.rowScratch;
            double[] mean = buffersOf(b, this, buffers -> new double[2 * buffers.classes]);
            Arrays.fill(mean, 0.0);
            double entropySum = 0.0;
            for (int i = b.ns; i < b.n; i++) {
                double h = 0.0;
                for (int c = 0; c < classes; c++) {
                    h -= p[i * classes + c] * logP[i * classes + c];
                    mean[c] += p[i * classes + c] / b.nt;
                }
                entropies[i] = h;
                entropySum += h;
            }
            double marginal = 0.0;
            for (int c = 0; c < classes; c++) {
                marginal -= mean[c] * Math.log(mean[c] + LOG_FLOOR);
                mean[classes + c] = -(Math.log(mean[c] + LOG_FLOOR) + mean[c] / (mean[c] + LOG_FLOOR));
            }
            for (int i = b.ns; i < b.n; i++) {
                double weighted = 0.0;
                for (int c = 0; c < classes; c++) {
                    weighted += p[i * classes + c] * mean[classes + c];
                }
                for (int j = 0; j < classes; j++) {
                    double pij = p[i * classes + j];
                    double g = -pij * (logP[i * classes + j] + entropies[i]) / b.nt;
                    if (diversity != 0.0) {
                        g -= diversity * pij * (mean[classes + j] - weighted) / b.nt;
                    }
                    b.logitGradView.add(i * classes + j, lambda * g);
                }
            }
            double meanEntropy = entropySum / b.nt;
            return diversity == 0.0 ? meanEntropy : meanEntropy - diversity * marginal;
        }
    }

    /**
     * {@link PseudoLabelLoss} on the target rows: −(1/nt)·Σ_i 1[max p ≥ τ]·log p_ŷ; ∂/∂z_ij = −(mask_i/nt)(δ_jŷ − p_ij).
     */
    record PseudoLabel(double threshold) implements Term {
        @Override
        public boolean onLogits() {
            return true;
        }

        @Override
        public double apply(StepBuffers b, double lambda) {
            int classes = b.classes;
            double[] p = b.probabilities;
            double[] logP = b.logProbabilities;
            double sum = 0.0;
            for (int i = b.ns; i < b.n; i++) {
                int top = 0;
                for (int c = 1; c < classes; c++) {
                    if (logP[i * classes + c] > logP[i * classes + top]) {
                        top = c;
                    }
                }
                double topLogP = logP[i * classes + top];
                if (!(Math.exp(topLogP) >= threshold)) {
                    continue;
                }
                sum += topLogP;
                for (int j = 0; j < classes; j++) {
                    double g = -((j == top ? 1.0 : 0.0) - p[i * classes + j]) / b.nt;
                    b.logitGradView.add(i * classes + j, lambda * g);
                }
            }
            return -sum / b.nt;
        }
    }
}
