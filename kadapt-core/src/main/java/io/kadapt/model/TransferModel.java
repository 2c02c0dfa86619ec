package io.kadapt.model;

import io.kadapt.data.Task;
import io.kadapt.loss.DomainLoss;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A feature extractor + linear head (classifier or regressor, by the spec's task) adapted online: each
 * {@link #step} applies one Adam update on L = ℓ(source) + Σ_k λ_k·d_k(f(source), f(target)).
 *
 * <p>Lifecycle: {@link #initialise} or {@link #restore} → {@link #step}* → {@link #snapshot} → {@link #close}.
 * Deterministic: with {@code OMP_NUM_THREADS=1}, the same spec, snapshot and inputs give bit-identical parameters,
 * because initialisation and dropout masks are drawn from generators seeded by (seed) and (seed, step) only.
 *
 * <p>Methods are synchronized: an engine's calls and the in-place parameter updates are not safe to interleave, and
 * the caller may serve predictions from another thread than the one that trains.
 */
public final class TransferModel implements AutoCloseable {

    private static final String PARAMETER_PREFIX = "param/";
    private static final String FIRST_MOMENT_PREFIX = "adam_m/";
    private static final String SECOND_MOMENT_PREFIX = "adam_v/";
    private static final String AVERAGE_PREFIX = "average/";

    private final ModelSpec spec;
    private final TransferEngine engine;
    private final Map<String, INDArray> parameters;
    private final AdamOptimizer optimizer;
    private final OutputHead head;
    /** The moving average of each parameter (spec.adam().averageDecay() > 0), else null. */
    private final Map<String, INDArray> averages;
    private SameDiffEngine referenceGraph;
    private INDArray labelBuffer;
    private HostView labelView;
    private INDArray flatGradients;
    private HostView flatGradientView;
    private double[] normScratch;
    private boolean closed;

    private TransferModel(ModelSpec spec) {
        this.spec = spec;
        this.engine = TransferEngine.forSpec(spec);
        this.parameters = engine.parameters();
        this.optimizer = new AdamOptimizer(spec.adam(), parameters);
        this.head = OutputHead.of(spec);
        this.averages = spec.adam().averaged() ? copies(parameters) : null;
    }

    private static Map<String, INDArray> copies(Map<String, INDArray> arrays) {
        Map<String, INDArray> copies = new LinkedHashMap<>();
        arrays.forEach((name, a) -> copies.put(name, a.dup()));
        return copies;
    }

    /** A fresh model at step 0 with parameters drawn from {@code spec.seed()}. */
    public static TransferModel initialise(ModelSpec spec) {
        return new TransferModel(spec);
    }

    /**
     * A fresh model at step 0 whose parameters start from {@code warmStart} (by canonical name, e.g. a model trained
     * offline and saved as {@code model.npz}) instead of the seeded draw. The feature extractor and the head
     * ({@code hidden_<i>/…}, {@code classifier/…}) must all be given; a domain term's own parameters (a
     * discriminator) may be, and otherwise start from the seed.
     *
     * @throws IllegalArgumentException naming the first array that is missing, unknown, or of another shape
     */
    public static TransferModel initialise(ModelSpec spec, Map<String, INDArray> warmStart) {
        TransferModel model = new TransferModel(spec);
        for (String name : warmStart.keySet()) {
            if (!model.parameters.containsKey(name)) {
                throw new IllegalArgumentException("warm-start array '" + name + "' is no parameter of this model"
                        + " (parameters: " + model.parameters.keySet() + ")");
            }
        }
        for (Map.Entry<String, INDArray> parameter : model.parameters.entrySet()) {
            String name = parameter.getKey();
            INDArray given = warmStart.get(name);
            if (given == null) {
                if (name.startsWith("hidden_") || name.startsWith("classifier/")) {
                    throw new IllegalArgumentException("warm start lacks array '" + name + "'");
                }
                continue;
            }
            if (!Arrays.equals(given.shape(), parameter.getValue().shape())) {
                throw new IllegalArgumentException("warm-start array '" + name + "' has shape "
                        + Arrays.toString(given.shape()) + " but the model needs "
                        + Arrays.toString(parameter.getValue().shape()));
            }
            parameter.getValue().assign(given.castTo(spec.dataType()));
        }
        model.restartAverages();
        return model;
    }

    /**
     * A model that continues exactly where {@code snapshot} was taken.
     *
     * @throws IllegalArgumentException naming the first array whose name, shape or dtype does not fit {@code spec}
     */
    public static TransferModel restore(ModelSpec spec, ModelSnapshot snapshot) {
        TransferModel model = new TransferModel(spec);
        try {
            model.load(snapshot);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** lr₀ of the next Adam updates: {@code spec.adam().learningRate()} unless {@link #learningRate(double)} changed it. */
    public synchronized double learningRate() {
        return optimizer.baseLearningRate();
    }

    /**
     * Replaces lr₀ from the next step on (a runtime control command); the learning-rate schedule's factor still
     * applies on top, and Adam's moments and step count are kept. Not part of the snapshot: whoever changes it
     * persists it and sets it again after a restore.
     */
    public synchronized void learningRate(double learningRate) {
        optimizer.baseLearningRate(learningRate);
    }

    /** Number of applied optimiser steps (skipped steps do not count). */
    public synchronized long step() {
        return optimizer.step();
    }

    /**
     * The prediction path (no dropout); does not change the model.
     *
     * @param x [n, inputDim]
     * @return in the model dtype, [n, numClasses] class probabilities (rows summing to 1), or for regression the
     *         [n, 1] predicted values
     */
    public synchronized INDArray predictOutputs(INDArray x) {
        ensureOpen();
        checkFeatures("x", x);
        return engine.predict(inModelType(x));
    }

    /** {@link #predictOutputs} of a classifier: class probabilities [n, numClasses]. */
    public INDArray predictProbabilities(INDArray x) {
        if (spec.task() != Task.CLASSIFICATION) {
            throw new IllegalStateException("a " + spec.task().configName() + " model has no class probabilities");
        }
        return predictOutputs(x);
    }

    /**
     * What the model serves: {@link #predictOutputs} with the moving average of the parameters when it keeps one
     * ({@code train.average-decay}), with the parameters themselves otherwise. Does not change the model.
     */
    public synchronized INDArray predictServedOutputs(INDArray x) {
        if (averages == null) {
            return predictOutputs(x);
        }
        ensureOpen();
        checkFeatures("x", x);
        Map<String, INDArray> live = copies(parameters);
        parameters.forEach((name, p) -> p.assign(averages.get(name)));
        try {
            return engine.predict(inModelType(x));
        } finally {
            parameters.forEach((name, p) -> p.assign(live.get(name)));
        }
    }

    /** Copies of the parameters {@link #predictServedOutputs} predicts with, by name, in canonical order. */
    public synchronized Map<String, INDArray> servedParameters() {
        ensureOpen();
        return copies(averages == null ? parameters : averages);
    }

    /**
     * {@link #predictOutputs} through the SameDiff graph: the reference the direct path is tested against, and
     * the "before" of {@code kadapt bench perf}. Not for serving: milliseconds of per-call overhead. On another
     * engine, the graph is built on first use and given the current parameters on every call.
     */
    public synchronized INDArray predictProbabilitiesWithSameDiff(INDArray x) {
        ensureOpen();
        checkFeatures("x", x);
        SameDiffEngine sameDiff;
        if (engine instanceof SameDiffEngine own) {
            sameDiff = own;
        } else {
            if (referenceGraph == null) {
                referenceGraph = new SameDiffEngine(spec.withEngine(EngineChoice.SAMEDIFF));
            }
            sameDiff = referenceGraph;
            parameters.forEach((name, p) -> sameDiff.parameters().get(name).assign(p));
        }
        return sameDiff.predictWithGraph(inModelType(x));
    }

    /**
     * One Adam step on a source batch (features and labels) and a target batch (features only).
     *
     * <p>If the loss or any gradient is NaN or infinite, nothing changes (parameters, Adam state, step count) and the
     * outcome says why; otherwise the gradient is clipped to {@code spec.gradientClipNorm()} when that is positive. An
     * update larger than the parameters themselves (a learning-rate spike) is rolled back the same way
     * ({@link StepOutcome#UPDATE_TOO_LARGE}).
     *
     * @param xs      source features [ns, inputDim], ns ≥ 1
     * @param ys      source labels, length ns: classes in [0, numClasses), or finite values for regression
     * @param xt      target features [nt, inputDim], nt ≥ 1
     * @param lambdas λ_k ≥ 0 for exactly the configured domain terms, keyed by {@code DomainLoss.name()}
     */
    public synchronized StepOutcome step(INDArray xs, double[] ys, INDArray xt, Map<String, Double> lambdas) {
        ensureOpen();
        StepComputation result = engine.compute(inputs(xs, ys, xt, lambdas));
        boolean finiteLoss = Double.isFinite(result.supervisedLoss()) && Double.isFinite(result.totalLoss())
                && result.domainLosses().values().stream().allMatch(Double::isFinite);
        double gradientNorm = result.flatGradients() != null ? flatNorm(result.flatGradients())
                : globalNorm(result.gradients().values());
        String skipReason = null;
        if (!finiteLoss) {
            skipReason = StepOutcome.NON_FINITE_LOSS;
        } else if (!Double.isFinite(gradientNorm)) {
            skipReason = StepOutcome.NON_FINITE_GRADIENT;
        } else if (!optimizer.apply(parameters, result.gradients(),
                GradientClipping.scale(gradientNorm, spec.gradientClipNorm()), engine.flatParameters(),
                result.flatGradients())) {
            skipReason = StepOutcome.UPDATE_TOO_LARGE;
        } else {
            updateAverages();
        }
        return new StepOutcome(skipReason == null, skipReason, result.supervisedLoss(), result.domainLosses(),
                result.totalLoss(), gradientNorm, head.sourceAccuracy(result.sourceLogits(), ys),
                head.meanEntropy(result.targetLogits()), result.mmd());
    }

    /** {@link #step} with class labels. */
    public StepOutcome step(INDArray xs, int[] classes, INDArray xt, Map<String, Double> lambdas) {
        return step(xs, asLabels(classes), xt, lambdas);
    }

    /**
     * The gradients {@link #step} would use now (before clipping), by trainable variable name; does not change the
     * model. For diagnostics and gradient checks.
     */
    public synchronized Map<String, INDArray> gradients(INDArray xs, double[] ys, INDArray xt,
                                                        Map<String, Double> lambdas) {
        ensureOpen();
        Map<String, INDArray> copies = new LinkedHashMap<>();
        engine.compute(inputs(xs, ys, xt, lambdas)).gradients().forEach((name, g) -> copies.put(name, g.dup()));
        return copies;
    }

    /** {@link #gradients} with class labels. */
    public Map<String, INDArray> gradients(INDArray xs, int[] classes, INDArray xt, Map<String, Double> lambdas) {
        return gradients(xs, asLabels(classes), xt, lambdas);
    }

    /**
     * After an applied step: average ← β_t·average + (1 − β_t)·parameters, with β_t = min(β, (1 + t) / (10 + t)) at
     * the t-th applied step (TensorFlow's ExponentialMovingAverage with num_updates), so the first steps are not
     * averaged with the initial draw for hundreds of steps.
     */
    private void updateAverages() {
        if (averages == null) {
            return;
        }
        long t = optimizer.step();
        double decay = Math.min(spec.adam().averageDecay(), (1.0 + t) / (10.0 + t));
        parameters.forEach((name, p) -> averages.get(name).muli(decay).addi(p.mul(1.0 - decay)));
    }

    /** The averages start again from the parameters as they are. */
    private void restartAverages() {
        if (averages != null) {
            parameters.forEach((name, p) -> averages.get(name).assign(p));
        }
    }

    private static double[] asLabels(int[] classes) {
        return classes == null ? null : Arrays.stream(classes).asDoubleStream().toArray();
    }

    /** Copies of every trainable array, by name, in canonical order. */
    public synchronized Map<String, INDArray> parameters() {
        ensureOpen();
        Map<String, INDArray> copies = new LinkedHashMap<>();
        parameters.forEach((name, p) -> copies.put(name, p.dup()));
        return copies;
    }

    /** A deep copy of parameters, Adam moments and step count. */
    public synchronized ModelSnapshot snapshot() {
        ensureOpen();
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        parameters.forEach((name, p) -> arrays.put(PARAMETER_PREFIX + name, p));
        optimizer.firstMoments().forEach((name, m) -> arrays.put(FIRST_MOMENT_PREFIX + name, m));
        optimizer.secondMoments().forEach((name, v) -> arrays.put(SECOND_MOMENT_PREFIX + name, v));
        if (averages != null) {
            averages.forEach((name, a) -> arrays.put(AVERAGE_PREFIX + name, a));
        }
        return new ModelSnapshot(spec.task(), optimizer.step(), arrays); // the snapshot copies
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            engine.close();
            if (referenceGraph != null) {
                referenceGraph.close();
            }
        }
        closed = true;
    }

    private void load(ModelSnapshot snapshot) {
        if (snapshot.task() != spec.task()) {
            throw new IllegalArgumentException("snapshot is of a " + snapshot.task().configName()
                    + " model but the spec is " + spec.task().configName());
        }
        Map<String, INDArray> targets = new LinkedHashMap<>();
        parameters.forEach((name, p) -> targets.put(PARAMETER_PREFIX + name, p));
        optimizer.firstMoments().forEach((name, m) -> targets.put(FIRST_MOMENT_PREFIX + name, m));
        optimizer.secondMoments().forEach((name, v) -> targets.put(SECOND_MOMENT_PREFIX + name, v));
        Set<String> unexpected = new HashSet<>(snapshot.names());
        unexpected.removeAll(targets.keySet());
        // A parameter average is optional both ways: turning train.average-decay on or off keeps the checkpoint usable.
        unexpected.removeIf(name -> name.startsWith(AVERAGE_PREFIX));
        boolean storedAverages = averages != null && averages.keySet().stream()
                .allMatch(name -> snapshot.names().contains(AVERAGE_PREFIX + name));
        if (storedAverages) {
            averages.forEach((name, a) -> targets.put(AVERAGE_PREFIX + name, a));
        }
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException("snapshot array '" + unexpected.stream().sorted().findFirst().get()
                    + "' does not exist in this model spec");
        }
        for (String name : targets.keySet()) {
            if (!snapshot.names().contains(name)) {
                throw new IllegalArgumentException("snapshot lacks array '" + name + "'");
            }
        }
        for (Map.Entry<String, INDArray> target : targets.entrySet()) {
            String name = target.getKey();
            INDArray stored = snapshot.stored(name);
            if (!Arrays.equals(stored.shape(), target.getValue().shape())) {
                throw new IllegalArgumentException("snapshot array '" + name + "' has shape "
                        + Arrays.toString(stored.shape()) + " but the spec needs "
                        + Arrays.toString(target.getValue().shape()));
            }
            if (stored.dataType() != spec.dataType()) {
                throw new IllegalArgumentException("snapshot array '" + name + "' is " + stored.dataType()
                        + " but the spec needs " + spec.dataType());
            }
        }
        targets.forEach((name, target) -> target.assign(snapshot.stored(name)));
        optimizer.restoreStep(snapshot.step());
        if (!storedAverages) {
            restartAverages();
        }
    }

    /** The engine's inputs after checking every argument, naming the first that does not fit. */
    private StepInputs inputs(INDArray xs, double[] ys, INDArray xt, Map<String, Double> lambdas) {
        checkFeatures("xs", xs);
        checkFeatures("xt", xt);
        long ns = xs.size(0);
        if (ys == null || ys.length != ns) {
            throw new IllegalArgumentException("ys must have one label per row of xs (" + ns + "), got "
                    + (ys == null ? "null" : ys.length));
        }
        if (labelBuffer == null || labelBuffer.size(0) != ns) {
            labelBuffer = Nd4j.create(spec.dataType(), ns, head.width());
            labelView = HostView.of(labelBuffer);
        }
        head.writeLabels(ys, labelView); // reused: the engine reads it within the step
        INDArray labels = labelBuffer;
        checkLambdas(lambdas);
        return new StepInputs(inModelType(xs), labels, inModelType(xt), lambdas, optimizer.step());
    }

    private void checkLambdas(Map<String, Double> lambdas) {
        if (lambdas == null) {
            throw new IllegalArgumentException("lambdas must not be null (use an empty map without domain terms)");
        }
        List<String> terms = spec.domainLosses().stream().map(DomainLoss::name).toList();
        for (String key : lambdas.keySet()) {
            if (!terms.contains(key)) {
                throw new IllegalArgumentException("lambda '" + key + "' names no configured domain loss; configured: "
                        + terms);
            }
        }
        for (String term : terms) {
            Double lambda = lambdas.get(term);
            if (lambda == null || !(lambda >= 0.0) || lambda.isInfinite()) {
                throw new IllegalArgumentException("lambda '" + term + "' must be finite and >= 0, got " + lambda);
            }
        }
    }

    private void checkFeatures(String what, INDArray x) {
        if (x == null || x.rank() != 2 || x.size(1) != spec.inputDim() || x.size(0) < 1) {
            throw new IllegalArgumentException(what + " must be [n >= 1, " + spec.inputDim() + "], got "
                    + (x == null ? "null" : Arrays.toString(x.shape())));
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException(what + " must hold floating-point values, got " + x.dataType());
        }
    }

    private INDArray inModelType(INDArray x) {
        return x.dataType() == spec.dataType() ? x : x.castTo(spec.dataType());
    }

    /**
     * Global L2 norm in double. NaN or infinite when some gradient is; a float sum of squares that merely overflows
     * is recomputed in double so a large finite gradient is clipped rather than skipped.
     */
    private static double globalNorm(Collection<INDArray> gradients) {
        double sumOfSquares = 0.0;
        for (INDArray g : gradients) {
            double norm = g.norm2Number().doubleValue();
            sumOfSquares += norm * norm;
        }
        if (Double.isFinite(sumOfSquares)) {
            return Math.sqrt(sumOfSquares);
        }
        sumOfSquares = 0.0;
        for (INDArray g : gradients) {
            double norm = g.castTo(DataType.DOUBLE).norm2Number().doubleValue();
            sumOfSquares += norm * norm;
        }
        return Math.sqrt(sumOfSquares);
    }

    /** The L2 norm of a flat gradient buffer, summed in double in one pass (no native op, nothing allocated). */
    private double flatNorm(INDArray flat) {
        if (flat != flatGradients) {
            flatGradients = flat;
            flatGradientView = HostView.of(flat);
        }
        int length = Math.toIntExact(flat.length());
        if (normScratch == null || normScratch.length != length) {
            normScratch = new double[length];
        }
        flatGradientView.read(normScratch, length);
        double sumOfSquares = 0.0;
        for (int i = 0; i < length; i++) {
            sumOfSquares += normScratch[i] * normScratch[i];
        }
        return Math.sqrt(sumOfSquares);
    }

    /** The engine behind this model; tests compare engines through it. */
    TransferEngine engine() {
        return engine;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model is closed");
        }
    }
}
