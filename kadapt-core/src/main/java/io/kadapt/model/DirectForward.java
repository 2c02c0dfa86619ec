package io.kadapt.model;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.XwPlusB;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The prediction path as plain ND4J ops on the model's own parameter arrays: per layer one {@code xw_plus_b} and
 * one activation, then the head's output (softmax, or the value for regression) — the same native ops the SameDiff graph runs, without SameDiff's per-call
 * session overhead (a 1-row SameDiff {@code output} costs milliseconds, these few ops tens of microseconds).
 * No dropout: this is the inference path. Reads the arrays live, so it always sees the latest step.
 */
final class DirectForward {

    private final Activation activation;
    private final OutputHead head;
    private final INDArray[] weights;
    private final INDArray[] biases;

    DirectForward(ModelSpec spec, Map<String, INDArray> parameters) {
        this.activation = spec.activation();
        this.head = OutputHead.of(spec);
        List<Integer> hidden = spec.hiddenLayers();
        weights = new INDArray[hidden.size() + 1];
        biases = new INDArray[hidden.size() + 1];
        for (int i = 0; i < hidden.size(); i++) {
            weights[i] = parameters.get("hidden_" + i + "/W");
            biases[i] = parameters.get("hidden_" + i + "/b");
        }
        weights[hidden.size()] = parameters.get("classifier/W");
        biases[hidden.size()] = parameters.get("classifier/b");
    }

    /**
     * @param x [n, inputDim] in the model dtype
     * @return a new [n, numClasses] array: class probabilities, or for regression the [n, 1] predicted values
     */
    INDArray outputs(INDArray x) {
        INDArray h = x;
        int last = weights.length - 1;
        for (int i = 0; i < last; i++) {
            h = activation.applyInPlace(linear(h, i));
        }
        return head.prediction(linear(h, last));
    }

    private INDArray linear(INDArray h, int layer) {
        return Nd4j.exec(new XwPlusB(h, weights[layer], biases[layer]))[0];
    }
}
