package io.kadapt.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) whose moments we own, so they travel in snapshots and a restored model
 * continues with the same effective step sizes.
 *
 * <p>Updates run ND4J's fused {@code adam_updater} op (one pass over memory instead of six). That op implements the
 * paper's "efficient" form, θ −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε̂); passing ε̂ = ε·√(1−β₂ᵗ) turns it into PyTorch's
 * θ −= lr·m̂/(√v̂ + ε), so ε means what it means in the baseline.
 *
 * <p>The moments live in one flat buffer each, with a view per parameter for snapshots. When the engine keeps its
 * parameters and gradients flat too ({@link TransferEngine#flatParameters()}), the update is one fused Java pass over
 * the whole model (see {@link #applyFused}); otherwise one native op per parameter array. The formula is the same;
 * the last bits of float rounding differ, so each engine is deterministic on its own.
 */
final class AdamOptimizer {

    /**
     * A step that would move the parameters by more than this fraction of their norm is rolled back. A healthy Adam
     * step moves them by well under 1 %; a learning-rate spike or a hostile batch moves them by orders of magnitude
     * and, once applied, leaves a model whose every later loss is NaN — finite but ruined.
     */
    static final double MAX_UPDATE_RATIO = 1.0;

    private final AdamSettings settings;
    /** lr₀ the schedule scales: the configured one until a runtime command replaces it. */
    private double baseLearningRate;
    private final INDArray flatFirst;
    private final INDArray flatSecond;
    // The moments before the current update, for a rollback: allocated once, since fresh native allocations are a
    // good part of a step's cost.
    private final INDArray savedFirst;
    private final INDArray savedSecond;
    private final Map<String, INDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, INDArray> secondMoments = new LinkedHashMap<>();
    private final HostView firstView;
    private final HostView secondView;
    private INDArray cachedParameters;
    private INDArray cachedGradients;
    private HostView parameterView;
    private HostView gradientView;
    /** g and θ of the fused update, allocated on its first use. */
    private double[] gradientScratch;
    private double[] parameterScratch;
    /**
     * The fused update's moments, owned here between steps: {@code first}/{@code second} the current ones, the new
     * ones written into {@code nextFirst}/{@code nextSecond} and swapped in when the update is accepted, so a rejected
     * update costs no copy. Each is rounded to the parameters' dtype as the native buffers would hold it: a step
     * gives the same bits whether the moments stayed here or came back from a snapshot. The native flat buffers are
     * brought up to date only when read ({@link #firstMoments()}, the per-array path); this saves four of the seven
     * copies between native memory and Java a step otherwise makes.
     */
    private double[] first;
    private double[] second;
    private double[] nextFirst;
    private double[] nextSecond;
    /** The native moment buffers lag the Java ones (an accepted fused update since the last sync). */
    private boolean nativeStale;
    /**
     * The Java moments lag the native buffers: never loaded, or the native ones were written (a restore, the per-array
     * path).
     */
    private boolean javaStale = true;
    private long step;

    /** Zero moments shaped like {@code parameters} (all of one dtype), step 0. */
    AdamOptimizer(AdamSettings settings, Map<String, INDArray> parameters) {
        this.settings = settings;
        this.baseLearningRate = settings.learningRate();
        DataType dtype = parameters.values().iterator().next().dataType();
        long total = parameters.values().stream().mapToLong(INDArray::length).sum();
        flatFirst = Nd4j.zeros(dtype, total);
        flatSecond = Nd4j.zeros(dtype, total);
        savedFirst = Nd4j.create(dtype, total);
        savedSecond = Nd4j.create(dtype, total);
        firstView = HostView.of(flatFirst);
        secondView = HostView.of(flatSecond);
        long offset = 0;
        for (Map.Entry<String, INDArray> entry : parameters.entrySet()) {
            long[] shape = entry.getValue().shape();
            long length = entry.getValue().length();
            firstMoments.put(entry.getKey(), view(flatFirst, offset, length, shape));
            secondMoments.put(entry.getKey(), view(flatSecond, offset, length, shape));
            offset += length;
        }
    }

    private static INDArray view(INDArray flat, long offset, long length, long[] shape) {
        return flat.get(NDArrayIndex.interval(offset, offset + length)).reshape('c', shape);
    }

    /** lr₀ of the updates to come (the schedule's factor still applies on top). */
    double baseLearningRate() {
        return baseLearningRate;
    }

    /** Replaces lr₀ from the next update on; moments and step count are kept. */
    void baseLearningRate(double learningRate) {
        if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        baseLearningRate = learningRate;
    }

    /** Number of applied updates, Adam's t. */
    long step() {
        return step;
    }

    /** {@link #apply(Map, Map, double, INDArray, INDArray)} one parameter array at a time. */
    boolean apply(Map<String, INDArray> parameters, Map<String, INDArray> gradients, double gradientScale) {
        return apply(parameters, gradients, gradientScale, null, null);
    }

    /**
     * One Adam update of every parameter, in place, unless the whole update is non-finite or larger than
     * {@link #MAX_UPDATE_RATIO} of the parameter norm: then parameters, moments and step count are left exactly as
     * they were and this returns false. Gradients are scaled by {@code gradientScale} (clipping) and then overwritten
     * with the update: the caller must not use them afterwards.
     *
     * @param flatParameters the engine's flat parameter buffer, or null
     * @param flatGradients  the gradients laid out like it, or null; both set: the one-pass update
     */
    boolean apply(Map<String, INDArray> parameters, Map<String, INDArray> gradients, double gradientScale,
                  INDArray flatParameters, INDArray flatGradients) {
        long t = step + 1;
        double biasCorrection2 = 1.0 - Math.pow(settings.beta2(), t);
        double adjustedEpsilon = settings.epsilon() * Math.sqrt(biasCorrection2);
        // The op takes the 0-based iteration and raises β to iteration+1; past 2³¹ steps β^t is 0 anyway.
        int iteration = (int) Math.min(step, Integer.MAX_VALUE - 1);
        // lr₀ × the schedule's factor at this step, as AdamSettings.learningRateAt computes it: a function of the step
        // and of lr₀ alone, and lr₀ travels in the trainer state, so restarts continue it.
        double learningRate = baseLearningRate * settings.learningRateSchedule().factorAt(step);
        // AdamW: θ ← θ − lr·w·θ − lr·m̂/(√v̂ + ε), the decay outside the moments (PyTorch's AdamW order).
        double decay = learningRate * settings.weightDecay();
        if (flatParameters != null && flatGradients != null) {
            return applyFused(flatParameters, flatGradients, gradientScale, learningRate, t, adjustedEpsilon, decay);
        }
        syncNativeMoments();
        javaStale = true; // the native op below updates the native moments
        savedFirst.assign(flatFirst);
        savedSecond.assign(flatSecond);
        double updateSquared = 0;
        double parameterSquared = 0;
        for (Map.Entry<String, INDArray> entry : parameters.entrySet()) {
            String name = entry.getKey();
            INDArray gradient = gradients.get(name);
            if (gradient == null) {
                throw new IllegalStateException("no gradient for parameter '" + name + "'");
            }
            if (gradientScale != 1.0) {
                gradient.muli(gradientScale);
            }
            Nd4j.exec(new AdamUpdater(gradient, secondMoments.get(name), firstMoments.get(name),
                    learningRate, settings.beta1(), settings.beta2(), adjustedEpsilon, iteration));
            if (decay != 0.0) {
                gradient.addi(entry.getValue().mul(decay)); // the decoupled decay joins the update u
            }
            double updateNorm = gradient.norm2Number().doubleValue();
            double parameterNorm = entry.getValue().norm2Number().doubleValue();
            updateSquared += updateNorm * updateNorm;
            parameterSquared += parameterNorm * parameterNorm;
        }
        double ratio = Math.sqrt(updateSquared) / Math.max(Math.sqrt(parameterSquared), Double.MIN_NORMAL);
        if (!(ratio <= MAX_UPDATE_RATIO)) {
            flatFirst.assign(savedFirst);
            flatSecond.assign(savedSecond);
            return false;
        }
        parameters.forEach((name, parameter) -> parameter.subi(gradients.get(name)));
        step = t;
        return true;
    }

    /**
     * The update over flat buffers, fused: one pass over Java copies of g and θ and the moments held here computes
     * the new moments and parameters and the norms ‖u‖ and ‖θ‖; only if the update is accepted are the parameters
     * copied back and the new moments kept. Nothing to save and restore for a rollback, and no native op or Java
     * allocation per step. Same formula as the native op: θ −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε̂).
     */
    private boolean applyFused(INDArray flatParameters, INDArray flatGradients, double gradientScale,
                               double learningRate, long t, double adjustedEpsilon, double decay) {
        if (flatParameters != cachedParameters) {
            cachedParameters = flatParameters;
            parameterView = HostView.of(flatParameters);
        }
        if (flatGradients != cachedGradients) {
            cachedGradients = flatGradients;
            gradientView = HostView.of(flatGradients);
        }
        double beta1 = settings.beta1();
        double beta2 = settings.beta2();
        double stepSize = learningRate * Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t));
        int length = Math.toIntExact(flatParameters.length());
        if (first == null || first.length != length) {
            gradientScratch = new double[length];
            parameterScratch = new double[length];
            first = new double[length];
            second = new double[length];
            nextFirst = new double[length];
            nextSecond = new double[length];
            javaStale = true;
        }
        if (javaStale) {
            firstView.read(first, length);
            secondView.read(second, length);
            javaStale = false;
        }
        double[] g = gradientScratch;
        double[] p = parameterScratch;
        double[] m = first;
        double[] v = second;
        double[] newM = nextFirst;
        double[] newV = nextSecond;
        gradientView.read(g, length);
        parameterView.read(p, length);
        boolean asFloat = flatParameters.dataType() == DataType.FLOAT;
        double updateSquared = 0.0;
        double parameterSquared = 0.0;
        for (int i = 0; i < length; i++) {
            double gi = gradientScale * g[i];
            double mi = beta1 * m[i] + (1.0 - beta1) * gi;
            double vi = beta2 * v[i] + (1.0 - beta2) * gi * gi;
            double u = stepSize * mi / (Math.sqrt(vi) + adjustedEpsilon) + decay * p[i];
            updateSquared += u * u;
            parameterSquared += p[i] * p[i];
            p[i] -= u;
            newM[i] = asFloat ? (float) mi : mi;
            newV[i] = asFloat ? (float) vi : vi;
        }
        double ratio = Math.sqrt(updateSquared) / Math.max(Math.sqrt(parameterSquared), Double.MIN_NORMAL);
        if (!(ratio <= MAX_UPDATE_RATIO)) {
            return false; // nothing was written: the new moments and parameters live only in the scratch arrays
        }
        nextFirst = m;
        nextSecond = v;
        first = newM;
        second = newV;
        nativeStale = true;
        parameterView.write(p, length);
        step = t;
        return true;
    }

    /** Copies the moments held in Java to the native buffers, if they are newer. */
    private void syncNativeMoments() {
        if (nativeStale) {
            firstView.write(first, first.length);
            secondView.write(second, second.length);
            nativeStale = false;
        }
    }

    /** The first moments per parameter, current; a caller that writes into them must call {@link #restoreStep}. */
    Map<String, INDArray> firstMoments() {
        syncNativeMoments();
        return Collections.unmodifiableMap(firstMoments);
    }

    /** The second moments per parameter, current; a caller that writes into them must call {@link #restoreStep}. */
    Map<String, INDArray> secondMoments() {
        syncNativeMoments();
        return Collections.unmodifiableMap(secondMoments);
    }

    /** Continues from a snapshot: the arrays returned by the moment maps are overwritten in place. */
    void restoreStep(long restoredStep) {
        if (restoredStep < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + restoredStep);
        }
        step = restoredStep;
        javaStale = true;
    }
}
