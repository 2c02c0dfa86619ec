package io.kadapt.model;

import io.kadapt.data.Task;
import io.kadapt.loss.DomainInputs;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.SupervisedLoss;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The hand-written engine: the transfer objective's forward and backward passes written out, matrix products by
 * BLAS ({@link Blas}) into buffers allocated once per batch shape ({@link StepBuffers}), everything element-wise
 * (bias + activation + dropout in one pass, the loss terms, their gradients) as Java loops over the same native
 * memory ({@link HostView}). Parameters and gradients each live in one flat buffer with a view per array, so the optimiser updates all
 * of them in one pass. Computes what the {@link TransferGraph} computes — same initialisation, same dropout masks,
 * same loss terms — and is tested against it term by term.
 *
 * <p>Covers the supervised losses and the domain terms for which {@link HandWrittenTerms} has a kernel; for any
 * other spec {@link #unsupported} names the first term it lacks.
 */
final class FastEngine implements TransferEngine {

    private static final int CACHED_SHAPES = 4;

    private final ModelSpec spec;
    private final DataType dtype;
    private final int[] hidden;
    private final int classes;
    private final INDArray flatParameters;
    private final INDArray flatGradients;
    private final Map<String, INDArray> parameters;
    private final Map<String, INDArray> gradients;
    /** Per layer (hidden layers, then the head): weights, bias, and their gradients. */
    private final INDArray[] weights;
    private final HostView[] biases;
    private final INDArray[] weightGrads;
    private final HostView[] biasGrads;
    private final DropoutMasks dropoutMasks;
    private final double[] columnScratch;
    private final double[] biasScratch;
    private final HandWrittenLosses.Supervised supervised;
    private final HandWrittenTerms.Term[] terms;
    private final HandWrittenTerms.Mmd monitor;
    private final int monitorTerm;
    private final Map<Long, StepBuffers> trainingBuffers = lru();
    private final Map<Long, StepBuffers> predictionBuffers = lru();
    /** The last labels array seen and its view: the model passes the same buffer step after step. */
    private INDArray labels;
    private HostView labelView;

    /** The first configured term this engine has no kernel for, described, or empty when it covers the spec. */
    static Optional<String> unsupported(SupervisedLoss supervisedLoss, List<DomainLoss> domainLosses) {
        if (!HandWrittenLosses.covers(supervisedLoss)) {
            return Optional.of("supervised loss '" + supervisedLoss.name() + "'");
        }
        for (DomainLoss term : domainLosses) {
            if (!HandWrittenTerms.covers(term)) {
                return Optional.of("domain term '" + term.name() + "'");
            }
        }
        return Optional.empty();
    }

    FastEngine(ModelSpec spec) {
        unsupported(spec.supervisedLoss(), spec.domainLosses()).ifPresent(term -> {
            throw new IllegalArgumentException("the fast engine does not cover " + term);
        });
        this.spec = spec;
        this.dtype = spec.dataType();
        this.hidden = spec.hiddenLayers().stream().mapToInt(Integer::intValue).toArray();
        this.classes = spec.numClasses();
        Map<String, INDArray> initial = initialParameters(spec);
        long total = initial.values().stream().mapToLong(INDArray::length).sum();
        flatParameters = Nd4j.create(dtype, total);
        flatGradients = Nd4j.create(dtype, total);
        Map<String, INDArray> params = new LinkedHashMap<>();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, INDArray> entry : initial.entrySet()) {
            INDArray value = entry.getValue();
            long length = value.length();
            INDArray view = flatParameters.get(NDArrayIndex.interval(offset, offset + length)).reshape('c',
                    value.shape());
            view.assign(value);
            params.put(entry.getKey(), view);
            grads.put(entry.getKey(), flatGradients.get(NDArrayIndex.interval(offset, offset + length))
                    .reshape('c', value.shape()));
            offset += length;
        }
        parameters = Collections.unmodifiableMap(params);
        gradients = Collections.unmodifiableMap(grads);
        int layers = hidden.length + 1;
        weights = new INDArray[layers];
        biases = new HostView[layers];
        weightGrads = new INDArray[layers];
        biasGrads = new HostView[layers];
        for (int i = 0; i < layers; i++) {
            String prefix = i < hidden.length ? "hidden_" + i : "classifier";
            weights[i] = parameters.get(prefix + "/W");
            biases[i] = HostView.of(parameters.get(prefix + "/b"));
            weightGrads[i] = gradients.get(prefix + "/W");
            biasGrads[i] = HostView.of(gradients.get(prefix + "/b"));
        }
        columnScratch = new double[Math.max(Arrays.stream(hidden).max().orElse(1), classes)];
        biasScratch = new double[columnScratch.length];
        dropoutMasks = spec.dropout() > 0.0 ? new DropoutMasks(spec.dropout(), dtype) : null;
        supervised = HandWrittenLosses.of(spec.supervisedLoss());
        List<DomainLoss> domainLosses = spec.domainLosses();
        terms = new HandWrittenTerms.Term[domainLosses.size()];
        int monitorIndex = -1;
        HandWrittenTerms.Mmd defaultMmd = HandWrittenTerms.Mmd.monitor();
        for (int k = 0; k < terms.length; k++) {
            terms[k] = HandWrittenTerms.of(domainLosses.get(k), parameters, gradients);
            if (defaultMmd.equals(terms[k])) {
                monitorIndex = k; // same quantity as the monitor: do not compute it twice
            }
        }
        monitorTerm = monitorIndex;
        monitor = defaultMmd;
    }

    /**
     * The initial parameters by name, sorted as the SameDiff engine sorts its variables, drawn exactly as
     * {@link TransferGraph} draws them: the MLP from {@link ParameterInitialiser}, a term's own variables by its
     * {@code define} on a small graph of placeholders, with the thread's generator seeded as the graph seeds it.
     */
    private static Map<String, INDArray> initialParameters(ModelSpec spec) {
        DataType dtype = spec.dataType();
        Map<String, INDArray> initial = new TreeMap<>();
        ParameterInitialiser init = new ParameterInitialiser(spec.seed());
        long fanIn = spec.inputDim();
        for (int i = 0; i < spec.hiddenLayers().size(); i++) {
            long width = spec.hiddenLayers().get(i);
            initial.put("hidden_" + i + "/W", init.uniformWeights(fanIn, width, spec.activation().rectifying(),
                    dtype));
            initial.put("hidden_" + i + "/b", ParameterInitialiser.zeroBias(width, dtype));
            fanIn = width;
        }
        initial.put("classifier/W", init.uniformWeights(fanIn, spec.numClasses(), false, dtype));
        initial.put("classifier/b", ParameterInitialiser.zeroBias(spec.numClasses(), dtype));
        for (int k = 0; k < spec.domainLosses().size(); k++) {
            DomainLoss term = spec.domainLosses().get(k);
            if (!HandWrittenTerms.hasVariables(term)) {
                continue;
            }
            SameDiff sd = SameDiff.create();
            SDVariable sourceFeatures = sd.placeHolder("source_features", dtype, -1, spec.featureDim());
            SDVariable targetFeatures = sd.placeHolder("target_features", dtype, -1, spec.featureDim());
            SDVariable sourceLogits = sd.placeHolder("source_logits", dtype, -1, spec.numClasses());
            SDVariable targetLogits = sd.placeHolder("target_logits", dtype, -1, spec.numClasses());
            SDVariable labels = sd.placeHolder("source_labels", dtype, -1, spec.numClasses());
            Nd4j.getRandom().setSeed(DropoutMasks.mix(spec.seed(), -1L - k));
            term.define(sd, new DomainInputs(sourceFeatures, targetFeatures, sourceLogits, targetLogits, labels,
                    null));
            for (SDVariable v : sd.variables()) {
                if (v.getVariableType() == VariableType.VARIABLE) {
                    initial.put(v.name(), v.getArr().dup());
                }
            }
        }
        return initial;
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public Map<String, INDArray> parameters() {
        return parameters;
    }

    @Override
    public INDArray flatParameters() {
        return flatParameters;
    }

    @Override
    public INDArray predict(INDArray x) {
        int rows = Math.toIntExact(x.size(0));
        StepBuffers buffers = predictionBuffers.get((long) rows);
        if (buffers == null) {
            buffers = new StepBuffers(rows, 0, spec.inputDim(), hidden, classes, dtype, false);
            predictionBuffers.put((long) rows, buffers);
        }
        forward(buffers, x, null, false);
        // Computed into a Java array and handed to ND4J in one copy: cheaper for a row or a few than a view of the
        // new array's memory.
        int length = rows * classes;
        double[] out = buffers.elements;
        buffers.logitView.read(out, length);
        if (spec.task() == Task.CLASSIFICATION) {
            for (int r = 0; r < rows; r++) {
                int row = r * classes;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, out[row + c]);
                }
                double sum = 0.0;
                for (int c = 0; c < classes; c++) {
                    out[row + c] = Math.exp(out[row + c] - max);
                    sum += out[row + c];
                }
                for (int c = 0; c < classes; c++) {
                    out[row + c] /= sum;
                }
            }
        }
        long[] shape = {rows, classes};
        if (dtype == DataType.FLOAT) {
            float[] values = new float[length];
            for (int i = 0; i < length; i++) {
                values[i] = (float) out[i];
            }
            return Nd4j.create(values, shape, DataType.FLOAT);
        }
        return Nd4j.create(java.util.Arrays.copyOf(out, length), shape, DataType.DOUBLE);
    }

    @Override
    public StepComputation compute(StepInputs inputs) {
        int ns = Math.toIntExact(inputs.sourceX().size(0));
        int nt = Math.toIntExact(inputs.targetX().size(0));
        long key = ((long) ns << 32) | nt;
        StepBuffers buffers = trainingBuffers.get(key);
        if (buffers == null) {
            buffers = new StepBuffers(ns, nt, spec.inputDim(), hidden, classes, dtype, true);
            trainingBuffers.put(key, buffers);
        }
        buffers.newStep();
        if (dropoutMasks != null) {
            // The SameDiff engine's draw order: every source mask, then every target mask.
            SplittableRandom random = DropoutMasks.generatorFor(spec.seed(), inputs.step());
            for (int i = 0; i < hidden.length; i++) {
                dropoutMasks.fill(random, buffers.derivatives[i], 0, ns * hidden[i]);
            }
            for (int i = 0; i < hidden.length; i++) {
                dropoutMasks.fill(random, buffers.derivatives[i], ns * hidden[i], nt * hidden[i]);
            }
        }
        forward(buffers, inputs.sourceX(), inputs.targetX(), true);
        if (spec.task() == Task.CLASSIFICATION) {
            buffers.softmax();
        }
        buffers.logitGradView.zero(0, buffers.n * classes);
        if (inputs.sourceLabels() != labels) {
            labels = inputs.sourceLabels();
            labelView = HostView.of(labels);
        }
        double supervisedLoss = supervised.apply(buffers, labelView);
        double[] values = new double[terms.length];
        double[] lambdas = new double[terms.length];
        for (int k = 0; k < terms.length; k++) {
            lambdas[k] = inputs.lambdas().get(spec.domainLosses().get(k).name());
            if (terms[k].onLogits()) {
                values[k] = terms[k].apply(buffers, lambdas[k]);
            }
        }
        // Without a domain term no gradient reaches the target rows (they are forwarded for the step's metrics only):
        // back-propagate the source rows alone, as autograd does, instead of multiplying zeros.
        int backwardRows = terms.length == 0 ? ns : buffers.n;
        headBackward(buffers, backwardRows);
        for (int k = 0; k < terms.length; k++) {
            if (!terms[k].onLogits()) {
                values[k] = terms[k].apply(buffers, lambdas[k]);
            }
        }
        double mmd = monitorTerm >= 0 ? values[monitorTerm] : monitor.value(buffers);
        hiddenBackward(buffers, inputs.sourceX(), backwardRows == ns ? null : inputs.targetX(), backwardRows);
        double total = supervisedLoss;
        Map<String, Double> domainLosses = new LinkedHashMap<>();
        for (int k = 0; k < terms.length; k++) {
            total += lambdas[k] * values[k];
            domainLosses.put(spec.domainLosses().get(k).name(), values[k]);
        }
        return new StepComputation(supervisedLoss, domainLosses, total, mmd, gradients, buffers.sourceLogits,
                buffers.targetLogits, flatGradients);
    }

    /** Layer by layer: one GEMM, then bias, activation and (training) dropout in one pass; then the head. */
    private void forward(StepBuffers buffers, INDArray sourceX, INDArray targetX, boolean training) {
        if (targetX == null) {
            Blas.gemm(sourceX, weights[0], buffers.activations[0], false, false, 1.0, 0.0);
        } else {
            Blas.gemm(sourceX, weights[0], buffers.sourceFirst, false, false, 1.0, 0.0);
            Blas.gemm(targetX, weights[0], buffers.targetFirst, false, false, 1.0, 0.0);
        }
        activate(buffers, 0, training);
        for (int i = 1; i < hidden.length; i++) {
            Blas.gemm(buffers.activations[i - 1], weights[i], buffers.activations[i], false, false, 1.0, 0.0);
            activate(buffers, i, training);
        }
        Blas.gemm(buffers.features, weights[hidden.length], buffers.logits, false, false, 1.0, 0.0);
        HostView logits = buffers.logitView;
        HostView bias = biases[hidden.length];
        for (int r = 0; r < buffers.n; r++) {
            for (int c = 0; c < classes; c++) {
                logits.add(r * classes + c, bias.get(c));
            }
        }
    }

    /**
     * z + b → φ(z + b) × mask in place, and (training) φ'(z + b) × mask into the derivatives buffer, which holds the
     * mask on entry when dropout is on.
     */
    private void activate(StepBuffers buffers, int layer, boolean training) {
        int width = hidden[layer];
        int length = buffers.n * width;
        double[] values = buffers.elements;
        buffers.activationViews[layer].read(values, length);
        double[] bias = biasScratch;
        biases[layer].read(bias, width);
        double[] derivative = training ? buffers.derivatives[layer] : null;
        boolean masked = training && dropoutMasks != null;
        Activation activation = spec.activation();
        for (int r = 0; r < buffers.n; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                int e = row + j;
                double z = values[e] + bias[j];
                double h;
                double dh;
                switch (activation) {
                    // Written so that NaN passes through, as through the native ops: a NaN input must give a NaN loss.
                    case RELU -> {
                        h = z < 0 ? 0.0 : z;
                        dh = z > 0 ? 1.0 : 0.0;
                    }
                    case LEAKY_RELU -> {
                        h = z < 0 ? Activation.LEAKY_RELU_SLOPE * z : z;
                        dh = z > 0 ? 1.0 : Activation.LEAKY_RELU_SLOPE;
                    }
                    case ELU -> {
                        h = z > 0 ? z : Math.expm1(z);
                        dh = z > 0 ? 1.0 : h + 1.0;
                    }
                    case TANH -> {
                        h = Math.tanh(z);
                        dh = 1.0 - h * h;
                    }
                    case SIGMOID -> {
                        h = 1.0 / (1.0 + Math.exp(-z));
                        dh = h * (1.0 - h);
                    }
                    default -> throw new IllegalStateException("no kernel for " + activation);
                }
                if (masked) {
                    double mask = derivative[e];
                    values[e] = h * mask;
                    derivative[e] = dh * mask;
                } else {
                    values[e] = h;
                    if (training) {
                        derivative[e] = dh;
                    }
                }
            }
        }
        buffers.activationViews[layer].write(values, length);
    }

    /**
     * The head's gradients, and ∂L/∂features = ∂L/∂logits · Wᵀ (overwriting: the feature terms add to it later), over
     * the first {@code rows} rows: all of them, or the source rows alone when nothing reaches the target's.
     */
    private void headBackward(StepBuffers buffers, int rows) {
        int head = hidden.length;
        boolean all = rows == buffers.n;
        INDArray logitGrads = all ? buffers.logitGrads : buffers.sourceLogitGrads;
        Blas.gemm(all ? buffers.features : buffers.sourceFeatures, logitGrads, weightGrads[head], true, false, 1.0, 0.0);
        columnSums(buffers.logitGradView, rows, classes, biasGrads[head], columnScratch);
        Blas.gemm(logitGrads, weights[head], all ? buffers.featureGrads : buffers.sourceFeatureGrads, false, true, 1.0,
                0.0);
    }

    /** Back through the hidden layers over the first {@code rows} rows; {@code targetX} null when those are the source's. */
    private void hiddenBackward(StepBuffers buffers, INDArray sourceX, INDArray targetX, int rows) {
        boolean all = rows == buffers.n;
        INDArray[] activations = all ? buffers.activations : buffers.sourceActivations;
        INDArray[] activationGrads = all ? buffers.activationGrads : buffers.sourceActivationGrads;
        for (int i = hidden.length - 1; i >= 0; i--) {
            double[] derivative = buffers.derivatives[i];
            int length = rows * hidden[i];
            double[] grad = buffers.elements;
            buffers.activationGradViews[i].read(grad, length);
            for (int e = 0; e < length; e++) {
                grad[e] *= derivative[e];
            }
            buffers.activationGradViews[i].write(grad, length);
            columnSums(grad, rows, hidden[i], biasGrads[i], columnScratch);
            if (i == 0) {
                Blas.gemm(sourceX, buffers.sourceFirstGrad, weightGrads[0], true, false, 1.0, 0.0);
                if (targetX != null) {
                    Blas.gemm(targetX, buffers.targetFirstGrad, weightGrads[0], true, false, 1.0, 1.0);
                }
            } else {
                Blas.gemm(activations[i - 1], activationGrads[i], weightGrads[i], true, false, 1.0, 0.0);
                Blas.gemm(activationGrads[i], weights[i], activationGrads[i - 1], false, true, 1.0, 0.0);
            }
        }
    }

    /** out[j] = Σ_r m[r, j] of a [rows, width] matrix held in an array, summed in double in {@code scratch}. */
    static void columnSums(double[] m, int rows, int width, HostView out, double[] scratch) {
        Arrays.fill(scratch, 0, width, 0.0);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                scratch[j] += m[row + j];
            }
        }
        for (int j = 0; j < width; j++) {
            out.set(j, scratch[j]);
        }
    }

    /** out[j] = Σ_r m[r, j] of a [rows, width] matrix, summed in double in {@code scratch}. */
    static void columnSums(HostView m, int rows, int width, HostView out, double[] scratch) {
        Arrays.fill(scratch, 0, width, 0.0);
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            for (int j = 0; j < width; j++) {
                scratch[j] += m.get(row + j);
            }
        }
        for (int j = 0; j < width; j++) {
            out.set(j, scratch[j]);
        }
    }

    private static Map<Long, StepBuffers> lru() {
        return new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, StepBuffers> eldest) {
                return size() > CACHED_SHAPES;
            }
        };
    }

    /** Nothing to release: the buffers are freed with the engine, like any ND4J array. */
    @Override
    public void close() {
    }
}
