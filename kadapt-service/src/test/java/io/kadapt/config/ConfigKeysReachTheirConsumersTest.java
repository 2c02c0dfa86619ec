package io.kadapt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.model.Activation;
import io.kadapt.model.ModelSpec;
import io.kadapt.model.TransferModel;
import io.kadapt.stream.Topics;
import io.kadapt.training.GuardSettings;
import io.kadapt.training.OnlineTrainer;
import io.kadapt.training.SampleIdDigest;
import io.kadapt.training.TrainerState;
import io.kadapt.training.TrainingSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Keys no other test sets, each set to a non-default value under the name README documents, and followed to the
 * object that uses it. (The topic keys are followed to the broker in {@code TopicProvisionerTest}, {@code kafka.*}
 * to Kafka Streams in {@code KadaptServiceBrokerTest}, the metrics windows through the topology in
 * {@code MetricsWindowsTopologyTest}.)
 */
@Tag("unit")
class ConfigKeysReachTheirConsumersTest {

    private static final Map<String, String> SHAPE = Map.of("model.input-dim", "2", "model.classes", "3",
            "model.hidden", "5");

    private static KadaptConfig config(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(SHAPE);
        settings.putAll(overrides);
        return KadaptConfig.of(settings);
    }

    @Test
    @DisplayName("model.activation, model.dtype, train.grad-clip-norm, train.adam.*, train.average-decay reach the model spec")
    void modelKeys() {
        ModelSpec defaults = ModelSpecs.from(config(Map.of()));
        ModelSpec spec = ModelSpecs.from(config(Map.of("model.activation", "tanh", "model.dtype", "double",
                "train.grad-clip-norm", "2.5", "train.adam.beta1", "0.8", "train.adam.beta2", "0.95",
                "train.adam.epsilon", "1e-6", "train.average-decay", "0.5")));
        assertEquals(Activation.RELU, defaults.activation());
        assertEquals(Activation.TANH, spec.activation());
        assertEquals(DataType.FLOAT, defaults.dataType());
        assertEquals(DataType.DOUBLE, spec.dataType());
        assertEquals(10.0, defaults.gradientClipNorm());
        assertEquals(2.5, spec.gradientClipNorm());
        assertEquals(List.of(0.9, 0.999, 1e-8), List.of(defaults.adam().beta1(), defaults.adam().beta2(),
                defaults.adam().epsilon()));
        assertEquals(List.of(0.8, 0.95, 1e-6), List.of(spec.adam().beta1(), spec.adam().beta2(),
                spec.adam().epsilon()));
        assertEquals(0.99, defaults.adam().averageDecay());
        assertEquals(0.5, spec.adam().averageDecay());
        try (TransferModel model = TransferModel.initialise(spec)) {
            assertEquals(DataType.DOUBLE, model.parameters().get("hidden_0/W").dataType(), "the model is built in it");
        }
    }

    @Test
    @DisplayName("preprocess.variance-floor, train.buffer.max, feedback.learn* and guard.* reach the trainer's settings")
    void trainingKeys() {
        TrainingSettings defaults = ModelSpecs.training(config(Map.of()));
        TrainingSettings set = ModelSpecs.training(config(Map.of("preprocess.variance-floor", "0.25",
                "train.buffer.max", "77", "feedback.learn", "false", "feedback.learn.weight", "3.5",
                "feedback.learn.replay-steps", "0",
                "guard.enabled", "false", "guard.window", "64", "guard.margin", "0.05", "guard.label-free-margin", "0.3")));
        assertEquals(1.0, defaults.varianceFloor());
        assertEquals(0.25, set.varianceFloor());
        assertEquals(10000, defaults.bufferMax());
        assertEquals(77, set.bufferMax());
        assertEquals(new TrainingSettings.FeedbackLearning(true, 1.0, 1), defaults.feedback());
        assertEquals(new TrainingSettings.FeedbackLearning(false, 3.5, 0), set.feedback());
        assertEquals(new GuardSettings(true, 256, 0.02, 0.15), defaults.guard());
        assertEquals(new GuardSettings(false, 64, 0.05, 0.3), set.guard());
    }

    @Test
    @DisplayName("the per-term λ keys as README spells them: each sets its own term's λ and no other's")
    void perTermLambdaKeys() {
        Map<String, String> keyOfTerm = Map.of("cdan", "loss.cdan.lambda", "entropy", "loss.entropy.lambda",
                "pseudo_label", "loss.pseudo-label.lambda", "consistency", "loss.consistency.lambda");
        for (Map.Entry<String, String> entry : keyOfTerm.entrySet()) {
            TrainingSettings training = ModelSpecs.training(config(Map.of(
                    "loss.domain", "mmd,cdan,entropy,pseudo_label,consistency", "loss.consistency.noise-std", "0.1",
                    "loss.lambda", "0.5", entry.getValue(), "0.125")));
            for (String term : List.of("mmd", "cdan", "entropy", "pseudo_label", "consistency")) {
                assertEquals(term.equals(entry.getKey()) ? 0.125 : 0.5, training.lambda(term, 0),
                        entry.getValue() + " → λ of " + term);
            }
        }
    }

    @Test
    @DisplayName("topics.dlq names the dead-letter topic")
    void deadLetterTopicKey() {
        assertEquals("kadapt.dlq", Topics.from(config(Map.of())).deadLetter());
        assertEquals("my.rejects", Topics.from(config(Map.of("topics.dlq", "my.rejects"))).deadLetter());
    }

    @Test
    @DisplayName("train.buffer.max: beyond it the oldest waiting sample is dropped, and only the newest are trained")
    void bufferDropsTheOldest() {
        KadaptConfig config = config(Map.of("train.buffer.max", "4", "train.batch.source", "4",
                "train.batch.target", "4", "train.steps-per-batch", "1"));
        try (OnlineTrainer trainer = new OnlineTrainer(ModelSpecs.training(config),
                TransferModel.initialise(ModelSpecs.from(config)), TrainerState.fresh(2), List.of(), List.of())) {
            // Given 6 source samples while no target has arrived: s-0 and s-1 overflow the buffer of 4
            for (int i = 0; i < 6; i++) {
                var dropped = trainer.admit(Domain.SOURCE, new Sample("s-" + i, new float[] {i, -i}, i % 3));
                assertEquals(i < 4 ? -1L : i - 4L, dropped.orElse(-1L), "sequence dropped when s-" + i + " arrived");
            }
            assertEquals(4, trainer.buffered(Domain.SOURCE));
            assertEquals(2, trainer.state().droppedSamples(Domain.SOURCE));
            // When a target batch arrives and the step is taken
            for (int i = 0; i < 4; i++) {
                trainer.admit(Domain.TARGET, new Sample("t-" + i, new float[] {i, i}, Sample.NO_LABEL));
            }
            assertEquals(1, trainer.trainReadyBatch().size());
            // Then exactly the 4 newest source samples were trained
            SampleIdDigest newest = SampleIdDigest.EMPTY.plus("s-2").plus("s-3").plus("s-4").plus("s-5");
            assertEquals(newest, trainer.state().trainedDigest(Domain.SOURCE));
            assertEquals(0, trainer.buffered(Domain.SOURCE));
        }
    }
}
