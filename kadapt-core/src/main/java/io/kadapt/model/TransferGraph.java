package io.kadapt.model;

import io.kadapt.loss.DomainInputs;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.loss.PerturbedView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff graph of a {@link ModelSpec}, built once: a training path for the source batch and one for the
 * target batch (with dropout masks), a third for a perturbed view of the target batch (input noise, own dropout
 * masks) only when a domain term asks for it, a prediction path without dropout, all sharing the same weights; the loss
 * L = ℓ + Σ λ_k·d_k with λ_k as scalar placeholders; and monitoring outputs. SameDiff executes only the sub-graph a
 * request needs, so prediction never touches the training placeholders.
 */
final class TransferGraph {

    static final String SOURCE_X = "source_x";
    static final String SOURCE_Y = "source_y_onehot"; // one-hot classes, or the values for regression
    static final String TARGET_X = "target_x";
    static final String PREDICT_X = "x";
    /** Standard normal noise [nt, inputDim] of the perturbed target view, scaled in the graph by the view's σ. */
    static final String TARGET_VIEW_NOISE = "target_view_noise";

    private final SameDiff sd = SameDiff.create();
    private final ModelSpec spec;
    private final List<String> sourceMaskNames = new ArrayList<>();
    private final List<String> targetMaskNames = new ArrayList<>();
    private final List<String> targetViewMaskNames = new ArrayList<>();
    private final PerturbedView targetView;
    private final Map<String, String> lambdaNames = new LinkedHashMap<>();
    private final Map<String, String> domainLossNames = new LinkedHashMap<>();
    private final List<String> trainableNames;
    private final String supervisedLossName;
    private final String totalLossName;
    private final String mmdName;
    private final String sourceLogitsName;
    private final String targetLogitsName;
    private final String predictionName;
    private final List<String> stepOutputNames;

    TransferGraph(ModelSpec spec) {
        this.spec = spec;
        DataType dtype = spec.dataType();
        SDVariable sourceX = sd.placeHolder(SOURCE_X, dtype, -1, spec.inputDim());
        SDVariable sourceY = sd.placeHolder(SOURCE_Y, dtype, -1, spec.numClasses());
        SDVariable targetX = sd.placeHolder(TARGET_X, dtype, -1, spec.inputDim());
        SDVariable predictX = sd.placeHolder(PREDICT_X, dtype, -1, spec.inputDim());
        targetView = requestedView(spec.domainLosses());

        List<SDVariable[]> hidden = new ArrayList<>();
        ParameterInitialiser init = new ParameterInitialiser(spec.seed());
        long fanIn = spec.inputDim();
        for (int i = 0; i < spec.hiddenLayers().size(); i++) {
            long width = spec.hiddenLayers().get(i);
            SDVariable w = sd.var("hidden_" + i + "/W",
                    init.uniformWeights(fanIn, width, spec.activation().rectifying(), dtype));
            SDVariable b = sd.var("hidden_" + i + "/b", ParameterInitialiser.zeroBias(width, dtype));
            hidden.add(new SDVariable[] {w, b});
            if (spec.dropout() > 0.0) {
                sourceMaskNames.add(sd.placeHolder("dropout_source_" + i, dtype, -1, width).name());
                targetMaskNames.add(sd.placeHolder("dropout_target_" + i, dtype, -1, width).name());
                if (targetView != null) {
                    targetViewMaskNames.add(sd.placeHolder("dropout_target_view_" + i, dtype, -1, width).name());
                }
            }
            fanIn = width;
        }
        SDVariable headW = sd.var("classifier/W", init.uniformWeights(fanIn, spec.numClasses(), false, dtype));
        SDVariable headB = sd.var("classifier/b", ParameterInitialiser.zeroBias(spec.numClasses(), dtype));

        SDVariable sourceFeatures = features(sourceX, hidden, sourceMaskNames);
        SDVariable targetFeatures = features(targetX, hidden, targetMaskNames);
        SDVariable sourceLogits = sd.nn().linear(sourceFeatures, headW, headB);
        SDVariable targetLogits = sd.nn().linear(targetFeatures, headW, headB);
        SDVariable perturbedTargetLogits = null;
        if (targetView != null) {
            SDVariable noise = sd.placeHolder(TARGET_VIEW_NOISE, dtype, -1, spec.inputDim());
            SDVariable perturbedX = targetX.add(noise.mul(targetView.inputNoiseStd()));
            perturbedTargetLogits = sd.nn().linear(features(perturbedX, hidden, targetViewMaskNames), headW, headB);
        }
        SDVariable predictLogits = sd.nn().linear(features(predictX, hidden, List.of()), headW, headB);
        predictionName = OutputHead.of(spec).prediction(sd, predictLogits).name();

        SDVariable supervised = spec.supervisedLoss().define(sd, sourceLogits, sourceY);
        supervisedLossName = supervised.name();
        SDVariable total = supervised;
        DomainInputs domainInputs = new DomainInputs(sourceFeatures, targetFeatures, sourceLogits, targetLogits,
                sourceY, perturbedTargetLogits);
        MmdLoss monitor = new MmdLoss();
        SDVariable monitoredMmd = null;
        for (int k = 0; k < spec.domainLosses().size(); k++) {
            DomainLoss term = spec.domainLosses().get(k);
            // Terms that create their own variables initialise them from the thread's ND4J generator.
            Nd4j.getRandom().setSeed(DropoutMasks.mix(spec.seed(), -1L - k));
            SDVariable value = term.define(sd, domainInputs);
            SDVariable lambda = sd.placeHolder("lambda_" + term.name(), dtype);
            domainLossNames.put(term.name(), value.name());
            lambdaNames.put(term.name(), lambda.name());
            total = total.add(lambda.mul(value));
            if (term.equals(monitor)) {
                monitoredMmd = value; // same quantity as the monitor: do not compute it twice
            }
        }
        totalLossName = total.name();
        if (monitoredMmd == null) {
            monitoredMmd = monitor.discrepancy(sd, sourceFeatures, targetFeatures);
        }
        mmdName = monitoredMmd.name();
        // Accuracy and entropy are computed from these small outputs in Java: as graph ops they would cost more
        // in SameDiff's per-op overhead than the arithmetic itself.
        sourceLogitsName = sourceLogits.name();
        targetLogitsName = targetLogits.name();

        sd.setLossVariables(total);
        // Build the backward graph now rather than inside the first step: it takes seconds (SameDiff clones the
        // graph through FlatBuffers) and, in M2.1, prints one "Added differentiated op" line per op to stdout.
        sd.createGradFunction();
        List<String> trainable = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                trainable.add(v.name());
            }
        }
        Collections.sort(trainable); // sd.variables() promises no order; snapshots need a canonical one
        trainableNames = Collections.unmodifiableList(trainable);
        List<String> outputs = new ArrayList<>(List.of(supervisedLossName, totalLossName, mmdName, sourceLogitsName,
                targetLogitsName));
        outputs.addAll(domainLossNames.values());
        stepOutputNames = List.copyOf(new LinkedHashSet<>(outputs)); // the MMD term may also be the monitor
    }

    /** The perturbed view the terms ask for, or null; two terms asking for different views are a spec error. */
    private static PerturbedView requestedView(List<DomainLoss> terms) {
        PerturbedView view = null;
        for (DomainLoss term : terms) {
            PerturbedView requested = term.perturbedView().orElse(null);
            if (requested != null && view != null && !requested.equals(view)) {
                throw new IllegalArgumentException("domain terms ask for different perturbed target views: " + view
                        + " and " + requested);
            }
            view = requested != null ? requested : view;
        }
        return view;
    }

    private SDVariable features(SDVariable x, List<SDVariable[]> hidden, List<String> maskNames) {
        SDVariable h = x;
        for (int i = 0; i < hidden.size(); i++) {
            h = spec.activation().apply(sd, sd.nn().linear(h, hidden.get(i)[0], hidden.get(i)[1]));
            if (!maskNames.isEmpty()) {
                h = h.mul(sd.getVariable(maskNames.get(i)));
            }
        }
        return h;
    }

    SameDiff sameDiff() {
        return sd;
    }

    /** Every trainable variable, the model's and the domain terms', sorted by name. */
    List<String> trainableNames() {
        return trainableNames;
    }

    /** The array SameDiff holds for a trainable variable; updating it in place updates the model. */
    INDArray parameter(String name) {
        return sd.getArrForVarName(name);
    }

    List<String> sourceMaskNames() {
        return sourceMaskNames;
    }

    List<String> targetMaskNames() {
        return targetMaskNames;
    }

    /** Whether the graph has the perturbed target view (fed {@link #TARGET_VIEW_NOISE} and its masks). */
    boolean hasTargetView() {
        return targetView != null;
    }

    /** Dropout masks of the perturbed target view; empty without dropout or without the view. */
    List<String> targetViewMaskNames() {
        return targetViewMaskNames;
    }

    /** λ placeholder name by domain term name. */
    Map<String, String> lambdaNames() {
        return Collections.unmodifiableMap(lambdaNames);
    }

    /** Graph output name of d_k by domain term name. */
    Map<String, String> domainLossNames() {
        return Collections.unmodifiableMap(domainLossNames);
    }

    String supervisedLossName() {
        return supervisedLossName;
    }

    String totalLossName() {
        return totalLossName;
    }

    String mmdName() {
        return mmdName;
    }

    String sourceLogitsName() {
        return sourceLogitsName;
    }

    String targetLogitsName() {
        return targetLogitsName;
    }

    /** The prediction path's output: class probabilities, or the values for regression. */
    String predictionName() {
        return predictionName;
    }

    /** Outputs evaluated together with the gradients on every step. */
    List<String> stepOutputNames() {
        return stepOutputNames;
    }
}
