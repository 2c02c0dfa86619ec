package io.kadapt.model;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The fast engine's buffers for one batch shape: ns source rows stacked over nt target rows (one GEMM per layer for
 * both domains), allocated on first use of the shape and reused by every later step of that shape, so a stream with
 * fixed batch sizes allocates nothing per step. A prediction's buffers have nt = 0 and no gradient buffers.
 */
final class StepBuffers {

    final int ns;
    final int nt;
    final int n;
    final int classes;
    final int featureDim;
    final DataType dtype;

    /** Hidden activations after dropout, [n, width_i]; the last one is the features. */
    final INDArray[] activations;
    final HostView[] activationViews;
    /** Layer 0's rows of each domain, the first layer's GEMM outputs (the inputs are not stacked). */
    final INDArray sourceFirst;
    final INDArray targetFirst;
    /** ∂φ/∂z × dropout mask per entry of each hidden layer (training only): the masks are drawn into these. */
    final double[][] derivatives;
    /** ∂L/∂(activation) of each hidden layer, overwritten in place by ∂L/∂z on the way back (training only). */
    final INDArray[] activationGrads;
    final HostView[] activationGradViews;
    /**
     * The source rows of {@link #activations} and {@link #activationGrads} (training only): a step without domain
     * terms back-propagates these alone.
     */
    final INDArray[] sourceActivations;
    final INDArray[] sourceActivationGrads;
    final INDArray sourceFirstGrad;
    final INDArray targetFirstGrad;
    final INDArray features;
    final INDArray sourceFeatures;
    final INDArray targetFeatures;
    final HostView featureView;
    final INDArray featureGrads;
    final INDArray sourceFeatureGrads;
    final INDArray targetFeatureGrads;
    final HostView featureGradView;

    final INDArray logits;
    final INDArray sourceLogits;
    final INDArray targetLogits;
    final HostView logitView;
    final INDArray logitGrads;
    final INDArray sourceLogitGrads;
    final HostView logitGradView;
    /** softmax and log-softmax of the logits in double, [n·C] (classification). */
    final double[] probabilities;
    final double[] logProbabilities;
    /** Per-row scratch of the loss terms. */
    final double[] rowScratch;
    /** Java copy of one hidden layer's [n, width] buffer (or of the logits) for the element-wise passes. */
    final double[] elements;

    /** Term-owned buffers of this shape, keyed by the term. */
    final Map<Object, Object> termBuffers = new HashMap<>();

    private INDArray gram;
    private HostView gramView;
    private INDArray centred;
    private HostView centredView;
    private double[] means;
    private boolean gramCurrent;

    StepBuffers(int ns, int nt, int inputDim, int[] hidden, int classes, DataType dtype, boolean training) {
        this.ns = ns;
        this.nt = nt;
        this.n = ns + nt;
        this.classes = classes;
        this.featureDim = hidden[hidden.length - 1];
        this.dtype = dtype;
        int layers = hidden.length;
        activations = new INDArray[layers];
        activationViews = new HostView[layers];
        derivatives = training ? new double[layers][] : null;
        activationGrads = training ? new INDArray[layers] : null;
        activationGradViews = training ? new HostView[layers] : null;
        sourceActivations = training ? new INDArray[layers] : null;
        sourceActivationGrads = training ? new INDArray[layers] : null;
        for (int i = 0; i < layers; i++) {
            activations[i] = Nd4j.create(dtype, n, hidden[i]);
            activationViews[i] = HostView.of(activations[i]);
            if (training) {
                derivatives[i] = new double[n * hidden[i]];
                activationGrads[i] = Nd4j.create(dtype, n, hidden[i]);
                activationGradViews[i] = HostView.of(activationGrads[i]);
                sourceActivations[i] = rows(activations[i], 0, ns);
                sourceActivationGrads[i] = rows(activationGrads[i], 0, ns);
            }
        }
        sourceFirst = rows(activations[0], 0, ns);
        targetFirst = nt > 0 ? rows(activations[0], ns, n) : null;
        features = activations[layers - 1];
        sourceFeatures = rows(features, 0, ns);
        targetFeatures = nt > 0 ? rows(features, ns, n) : null;
        featureView = activationViews[layers - 1];
        if (training) {
            sourceFirstGrad = rows(activationGrads[0], 0, ns);
            targetFirstGrad = rows(activationGrads[0], ns, n);
            featureGrads = activationGrads[layers - 1];
            sourceFeatureGrads = rows(featureGrads, 0, ns);
            targetFeatureGrads = rows(featureGrads, ns, n);
            featureGradView = activationGradViews[layers - 1];
        } else {
            sourceFirstGrad = null;
            targetFirstGrad = null;
            featureGrads = null;
            sourceFeatureGrads = null;
            targetFeatureGrads = null;
            featureGradView = null;
        }
        logits = Nd4j.create(dtype, n, classes);
        sourceLogits = rows(logits, 0, ns);
        targetLogits = nt > 0 ? rows(logits, ns, n) : null;
        logitView = HostView.of(logits);
        logitGrads = training ? Nd4j.create(dtype, n, classes) : null;
        sourceLogitGrads = training ? rows(logitGrads, 0, ns) : null;
        logitGradView = training ? HostView.of(logitGrads) : null;
        probabilities = training ? new double[n * classes] : null;
        logProbabilities = training ? new double[n * classes] : null;
        rowScratch = training ? new double[n] : null;
        elements = new double[n * Math.max(java.util.Arrays.stream(hidden).max().orElse(1), classes)];
    }

    /** A contiguous view of rows [from, to) of a c-order matrix. */
    static INDArray rows(INDArray matrix, int from, int to) {
        return matrix.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** Marks derived quantities (the Gram matrix) stale: a new step has new features. */
    void newStep() {
        gramCurrent = false;
    }

    /**
     * The Gram matrix F̃·F̃ᵀ [n, n] of this step's features centred on their batch mean, computed once per step.
     * Squared distances ‖a‖² + ‖b‖² − 2a·b do not depend on the centre, and centred features cancel less in float.
     */
    HostView gram() {
        if (gram == null) {
            gram = Nd4j.create(dtype, n, n);
            gramView = HostView.of(gram);
            centred = Nd4j.create(dtype, n, featureDim);
            centredView = HostView.of(centred);
            means = new double[featureDim];
        }
        if (!gramCurrent) {
            java.util.Arrays.fill(means, 0.0);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < featureDim; c++) {
                    means[c] += featureView.get(r * featureDim + c);
                }
            }
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < featureDim; c++) {
                    centredView.set(r * featureDim + c, featureView.get(r * featureDim + c) - means[c] / n);
                }
            }
            Blas.gemm(centred, centred, gram, false, true, 1.0, 0.0);
            gramCurrent = true;
        }
        return gramView;
    }

    /** The centred features of {@link #gram()} (valid after it), [n, featureDim]. */
    INDArray centredFeatures() {
        return centred;
    }

    HostView centredFeatureView() {
        return centredView;
    }

    /** softmax and log-softmax of every row of the logits, in double. */
    void softmax() {
        for (int r = 0; r < n; r++) {
            int row = r * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logitView.get(row + c));
            }
            double sum = 0.0;
            for (int c = 0; c < classes; c++) {
                double shifted = logitView.get(row + c) - max;
                logProbabilities[row + c] = shifted;
                sum += Math.exp(shifted);
            }
            double logSum = Math.log(sum);
            for (int c = 0; c < classes; c++) {
                double lp = logProbabilities[row + c] - logSum;
                logProbabilities[row + c] = lp;
                probabilities[row + c] = Math.exp(lp);
            }
        }
    }
}
