package io.kadapt.stream.serde;

import io.kadapt.data.Sample;
import io.kadapt.training.ControlCommand;

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

    /**
     * A valid runtime control command with what its acknowledgement needs: the operator's id for it, who sent it, the
     * optional note, and where it was read on the control topic. On the training topic it takes its place among the
     * samples, so the trainer applies it at the same point of its log every time the log is read.
     */
    record Control(String id, ControlCommand command, String issuedBy, String note, String topic, int partition,
                   long offset) implements TrainingRecord {
    }
}
