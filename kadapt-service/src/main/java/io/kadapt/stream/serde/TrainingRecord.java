package io.kadapt.stream.serde;

import io.kadapt.data.Sample;

/**
 * What the prediction path hands the trainer on the training topic, in the order the trainer learns from it. A
 * target sample travels only after its prediction was made, so the trainer can only learn from samples it has
 * already been tested on (test-then-train by construction), and carries that prediction for feedback scoring.
 */
public sealed interface TrainingRecord {

    /** A valid labelled source sample. */
    record Source(Sample sample) implements TrainingRecord {
    }

    /**
     * A valid target sample and the prediction published for it, by the model at {@code modelStep};
     * {@code probabilities} null for regression.
     */
    record Target(Sample sample, double predicted, float[] probabilities, long modelStep) implements TrainingRecord {
    }

    /** A valid late label of a target sample. */
    record Feedback(String id, double label) implements TrainingRecord {
    }
}
