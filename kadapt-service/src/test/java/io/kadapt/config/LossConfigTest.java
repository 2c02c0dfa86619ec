package io.kadapt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.ConditionalAdversarialLoss;
import io.kadapt.loss.ConsistencyLoss;
import io.kadapt.loss.ContrastiveLoss;
import io.kadapt.loss.CoralLoss;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainAdversarialLoss;
import io.kadapt.loss.DomainTerm;
import io.kadapt.loss.FocalLoss;
import io.kadapt.loss.InformationMaximizationLoss;
import io.kadapt.loss.LossCatalogue;
import io.kadapt.loss.MmdLoss;
import io.kadapt.loss.MultiMarginLoss;
import io.kadapt.loss.PseudoLabelLoss;
import io.kadapt.model.LearningRateSchedule;
import io.kadapt.model.ModelSpec;
import io.kadapt.training.LambdaSchedule;
import io.kadapt.training.TrainingSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Loss names and knobs in configuration → the spec's loss terms and the trainer's λ schedules. */
@Tag("unit")
class LossConfigTest {

    private static final Map<String, String> SHAPE = Map.of("model.input-dim", "4", "model.classes", "3",
            "model.hidden", "8,5");

    @Test
    @DisplayName("every domain term by name, each with its own λ schedule")
    void domainTerms() {
        KadaptConfig config = KadaptConfig.of(SHAPE).with(Map.of("loss.domain", "mmd,coral,dann,entropy,pseudo_label", "loss.pseudo-label.threshold", "0.8",
                "loss.dann.hidden", "7", "loss.entropy.diversity", "0.4", "loss.dann.schedule", "dann-ramp",
                "loss.coral.lambda", "3"));
        ModelSpec spec = ModelSpecs.from(config);
        assertEquals(List.of(new MmdLoss(), new CoralLoss(), new DomainAdversarialLoss(5, 7),
                new InformationMaximizationLoss(0.4), new PseudoLabelLoss(0.8)), spec.domainLosses());
        TrainingSettings training = ModelSpecs.training(config);
        assertEquals(1.0, training.lambda("mmd", 0));
        assertEquals(3.0, training.lambda("coral", 0));
        assertEquals(0.0, training.lambda("dann", 0), "the ramp starts at 0");
        assertEquals(LambdaSchedule.Shape.DANN_RAMP, training.lambdaSchedules().get("dann").shape());
        for (DomainTerm term : LossCatalogue.DOMAIN) {
            // a key of its own overrides the global λ for that term only
            assertEquals(0.25, ModelSpecs.lambdaSchedule(config.with(Map.of(term.lambdaKey().key(), "0.25")), term)
                    .lambda(), term.name());
        }
        assertEquals(List.of("mmd", "coral", "dann", "cdan", "entropy", "pseudo_label", "consistency", "contrastive"),
                LossCatalogue.DOMAIN.stream().map(DomainTerm::name).toList(), "the catalogue's terms, in README order");
    }

    @Test
    @DisplayName("consistency, contrastive and the mmd options by name with their knobs; defaults are today's mmd")
    void catalogueKnobs() {
        KadaptConfig config = KadaptConfig.of(SHAPE).with(Map.of("loss.domain", "mmd,consistency,contrastive",
                "loss.mmd.bandwidth", "median", "loss.mmd.estimator", "linear", "loss.mmd.multipliers", "0.5,2",
                "loss.consistency.noise-std", "0.3", "loss.contrastive.margin", "2.5", "loss.contrastive.lambda",
                "0.1"));
        assertEquals(List.of(new MmdLoss(MmdLoss.Bandwidth.MEDIAN, MmdLoss.Estimator.LINEAR, 0.5, 2.0),
                new ConsistencyLoss(0.3), new ContrastiveLoss(2.5)), ModelSpecs.from(config).domainLosses());
        assertEquals(0.1, ModelSpecs.training(config).lambda("contrastive", 0));
        assertEquals(List.of(new ConditionalAdversarialLoss(5, 3, 7)), ModelSpecs.from(KadaptConfig.of(SHAPE).with(
                Map.of("loss.domain", "cdan", "loss.dann.hidden", "7"))).domainLosses(), "d = 5, C = 3");
        assertEquals(List.of(new MmdLoss()), ModelSpecs.from(KadaptConfig.of(SHAPE)).domainLosses(),
                "the shipped mmd is unchanged by the new keys");

        KadaptConfig base = KadaptConfig.of(SHAPE);
        for (Map.Entry<String, String> bad : Map.of("loss.mmd.bandwidth", "mode", "loss.mmd.estimator", "cubic",
                "loss.mmd.multipliers", "1,0", "loss.contrastive.margin", "0",
                "loss.consistency.noise-std", "-1").entrySet()) {
            String message = assertThrows(ConfigException.class, () -> ModelSpecs.from(base.with(Map.of(
                    "loss.domain", "mmd,consistency,contrastive", bad.getKey(), bad.getValue())))).getMessage();
            assertTrue(message.contains(bad.getKey()), message);
        }
        String noPerturbation = assertThrows(ConfigException.class, () -> ModelSpecs.from(base.with(Map.of(
                "loss.domain", "consistency", "loss.consistency.noise-std", "0")))).getMessage();
        assertTrue(noPerturbation.contains("model.dropout"), noPerturbation);
        assertEquals(List.of(new ConsistencyLoss(0.0)), ModelSpecs.from(base.with(Map.of("loss.domain",
                "consistency", "loss.consistency.noise-std", "0", "model.dropout", "0.2"))).domainLosses(),
                "a second dropout mask alone is a perturbation");
    }

    @Test
    @DisplayName("learning-rate schedule: constant by default; inverse-decay with α, β and its horizon")
    void learningRateSchedule() {
        assertEquals(LearningRateSchedule.CONSTANT, ModelSpecs.from(KadaptConfig.of(SHAPE)).adam()
                .learningRateSchedule());
        KadaptConfig decay = KadaptConfig.of(SHAPE).with(Map.of("train.lr-schedule", "inverse-decay",
                "loss.schedule.steps", "500"));
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Shape.INVERSE_DECAY, 10.0, 0.75, 500),
                ModelSpecs.from(decay).adam().learningRateSchedule(), "the horizon falls back to loss.schedule.steps");
        assertEquals(new LearningRateSchedule(LearningRateSchedule.Shape.INVERSE_DECAY, 5.0, 0.5, 40),
                ModelSpecs.from(decay.with(Map.of("train.lr-schedule.alpha", "5", "train.lr-schedule.beta", "0.5",
                        "train.lr-schedule.steps", "40"))).adam().learningRateSchedule());
        for (Map.Entry<String, String> bad : Map.of("train.lr-schedule", "cosine", "train.lr-schedule.alpha", "-1",
                "train.lr-schedule.steps", "0").entrySet()) {
            String message = assertThrows(ConfigException.class,
                    () -> ModelSpecs.from(decay.with(Map.of(bad.getKey(), bad.getValue())))).getMessage();
            assertTrue(message.contains(bad.getKey()), message);
        }
    }

    @Test
    @DisplayName("supervised losses by name with their knobs")
    void supervisedLosses() {
        KadaptConfig base = KadaptConfig.of(SHAPE);
        assertEquals(new CrossEntropyLoss(0.1, new double[] {1, 2, 0.5}), ModelSpecs.from(base.with(Map.of(
                "loss.label-smoothing", "0.1", "loss.class-weights", "1,2,0.5"))).supervisedLoss());
        assertEquals(new FocalLoss(2.0, null), ModelSpecs.from(base.with(Map.of("loss.supervised", "focal")))
                .supervisedLoss());
        assertEquals(new FocalLoss(1.0, new double[] {0.25, 0.5, 0.25}), ModelSpecs.from(base.with(Map.of(
                "loss.supervised", "focal", "loss.focal.gamma", "1", "loss.focal.alpha", "0.25,0.5,0.25")))
                .supervisedLoss());
        assertEquals(new MultiMarginLoss(0.5), ModelSpecs.from(base.with(Map.of("loss.supervised", "hinge",
                "loss.hinge.margin", "0.5"))).supervisedLoss());

        String unknown = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(base.with(Map.of("loss.supervised", "nll")))).getMessage();
        assertTrue(unknown.contains("loss.supervised") && unknown.contains("focal"), unknown);
        String count = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(base.with(Map.of("loss.class-weights", "1,2")))).getMessage();
        assertTrue(count.contains("loss.class-weights") && count.contains("one weight per class"), count);
        String negative = assertThrows(ConfigException.class, () -> ModelSpecs.from(base.with(Map.of(
                "loss.supervised", "focal", "loss.focal.alpha", "1,-1,1")))).getMessage();
        assertTrue(negative.contains("loss.focal.alpha"), negative);
        String margin = assertThrows(ConfigException.class, () -> ModelSpecs.from(base.with(Map.of(
                "loss.supervised", "hinge", "loss.hinge.margin", "0")))).getMessage();
        assertTrue(margin.contains("loss.hinge.margin"), margin);
    }

    @Test
    @DisplayName("unknown names, repeats and bad values fail naming the key")
    void badValues() {
        KadaptConfig base = KadaptConfig.of(SHAPE);
        String unknown = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(base.with(Map.of("loss.domain", "mmd,cora")))).getMessage();
        assertTrue(unknown.contains("loss.domain") && unknown.contains("'cora'") && unknown.contains("coral"), unknown);
        String repeated = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(base.with(Map.of("loss.domain", "coral,coral")))).getMessage();
        assertTrue(repeated.contains("twice"), repeated);
        String diversity = assertThrows(ConfigException.class, () -> ModelSpecs.from(
                base.with(Map.of("loss.domain", "entropy", "loss.entropy.diversity", "-1")))).getMessage();
        assertTrue(diversity.contains("loss.entropy.diversity"), diversity);
        String hidden = assertThrows(ConfigException.class, () -> ModelSpecs.from(
                base.with(Map.of("loss.domain", "dann", "loss.dann.hidden", "0")))).getMessage();
        assertTrue(hidden.contains("loss.dann.hidden"), hidden);
    }
}
