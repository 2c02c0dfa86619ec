package io.kadapt.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The engine on SameDiff's automatic differentiation of the {@link TransferGraph}: covers every loss term, at the
 * cost of SameDiff's per-op allocation and session bookkeeping. Predictions take the {@link DirectForward} path
 * over the same parameter arrays.
 */
final class SameDiffEngine implements TransferEngine {

    private final ModelSpec spec;
    private final TransferGraph graph;
    private final Map<String, INDArray> parameters;
    private final DropoutMasks dropoutMasks;
    private final DirectForward directForward;

    SameDiffEngine(ModelSpec spec) {
        this.spec = spec;
        this.graph = new TransferGraph(spec);
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        for (String name : graph.trainableNames()) {
            arrays.put(name, graph.parameter(name));
        }
        this.parameters = Collections.unmodifiableMap(arrays);
        this.dropoutMasks = spec.dropout() > 0.0 ? new DropoutMasks(spec.dropout(), spec.dataType()) : null;
        this.directForward = new DirectForward(spec, parameters);
    }

    @Override
    public String name() {
        return "samediff";
    }

    @Override
    public Map<String, INDArray> parameters() {
        return parameters;
    }

    @Override
    public INDArray predict(INDArray x) {
        return directForward.outputs(x);
    }

    /**
     * The prediction through the SameDiff graph: the reference the direct path is tested against. Not for serving:
     * milliseconds of per-call overhead.
     */
    INDArray predictWithGraph(INDArray x) {
        return graph.sameDiff().outputSingle(Map.of(TransferGraph.PREDICT_X, x), graph.predictionName());
    }

    @Override
    public StepComputation compute(StepInputs inputs) {
        long ns = inputs.sourceX().size(0);
        long nt = inputs.targetX().size(0);
        Map<String, INDArray> feeds = new HashMap<>();
        feeds.put(TransferGraph.SOURCE_X, inputs.sourceX());
        feeds.put(TransferGraph.SOURCE_Y, inputs.sourceLabels());
        feeds.put(TransferGraph.TARGET_X, inputs.targetX());
        for (Map.Entry<String, String> term : graph.lambdaNames().entrySet()) {
            feeds.put(term.getValue(), Nd4j.scalar(spec.dataType(), inputs.lambdas().get(term.getKey())));
        }
        // One generator per step, drawn in a fixed order (source masks, target masks, then the perturbed view's
        // masks and noise), so adding the view leaves the other draws as they were.
        SplittableRandom random = DropoutMasks.generatorFor(spec.seed(), inputs.step());
        if (dropoutMasks != null) {
            putMasks(feeds, graph.sourceMaskNames(), random, ns);
            putMasks(feeds, graph.targetMaskNames(), random, nt);
            putMasks(feeds, graph.targetViewMaskNames(), random, nt);
        }
        if (graph.hasTargetView()) {
            feeds.put(TransferGraph.TARGET_VIEW_NOISE, StandardNormal.matrix(random, nt, spec.inputDim(),
                    spec.dataType()));
        }
        OutAndGrad result = graph.sameDiff().calculateGradientsAndOutputs(feeds, graph.stepOutputNames(),
                graph.trainableNames());
        Map<String, INDArray> outputs = result.getOutputs();
        Map<String, Double> domainLosses = new LinkedHashMap<>();
        graph.domainLossNames().forEach((term, output) -> domainLosses.put(term, scalar(outputs, output)));
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        for (String name : graph.trainableNames()) {
            gradients.put(name, result.getGradients().get(name));
        }
        return new StepComputation(scalar(outputs, graph.supervisedLossName()), domainLosses,
                scalar(outputs, graph.totalLossName()), scalar(outputs, graph.mmdName()), gradients,
                outputs.get(graph.sourceLogitsName()), outputs.get(graph.targetLogitsName()));
    }

    private void putMasks(Map<String, INDArray> feeds, List<String> names, SplittableRandom random, long rows) {
        for (int i = 0; i < names.size(); i++) {
            feeds.put(names.get(i), dropoutMasks.next(random, rows, spec.hiddenLayers().get(i)));
        }
    }

    private static double scalar(Map<String, INDArray> outputs, String name) {
        return outputs.get(name).getDouble(0);
    }

    /** Nothing to release: the graph's arrays are freed with the engine, like any ND4J array. */
    @Override
    public void close() {
    }
}
