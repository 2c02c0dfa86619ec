package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kadapt.loss.ConditionalAdversarialLoss;
import io.kadapt.loss.ConsistencyLoss;
import io.kadapt.loss.ContrastiveLoss;
import io.kadapt.loss.CoralLoss;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainAdversarialLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.InformationMaximizationLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.loss.PseudoLabelLoss;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Short training runs with the coral, dann, entropy, pseudo_label, consistency and contrastive terms in one graph:
 * each term, switched on, lowers its own quantity compared with a run where it is off (same seed, same data). The
 * terms are always evaluated, so every run reports all of them. The mmd options and cdan, one term per graph,
 * likewise.
 */
@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class DomainTermsTrainingTest {

    private final EngineChoice engine;

    DomainTermsTrainingTest(EngineChoice engine) {
        this.engine = engine;
    }

    private static final int DIM = 6;
    private static final int BATCH = 16;
    private static final int STEPS = 40;
    /**
     * λ of dann when "off": with λ = 0 its classifier would not train at all; with a tiny λ Adam still trains it at
     * full speed (Adam normalises the gradient scale) while the reversed gradient reaching the features is negligible.
     */
    private static final double DANN_OFF = 1e-4;
    private static final Map<String, Map<String, Double>> RUNS = new HashMap<>();

    @Test
    @DisplayName("coral on: the CORAL distance between the domains' features ends lower")
    void coralAlignsCovariances() {
        double off = run("off").get("coral");
        double on = run("coral").get("coral");
        assertTrue(on < 0.5 * off, "CORAL with λ=1: " + on + ", off: " + off);
    }

    @Test
    @DisplayName("dann on: the domain classifier ends closer to chance (BCE towards log 2)")
    void dannConfusesTheDomainClassifier() {
        double off = run("off").get("dann");
        double on = run("dann").get("dann");
        assertTrue(off < 0.6, "the classifier separates the domains when unopposed: BCE " + off);
        assertTrue(on > off + 0.05, "domain BCE with λ=1: " + on + ", off: " + off);
    }

    @Test
    @DisplayName("entropy on: the IM objective falls, target predictions stay confident and spread over both classes")
    void entropyMakesTargetPredictionsConfidentAndDiverse() {
        Map<String, Double> off = run("off");
        Map<String, Double> on = run("entropy");
        assertTrue(on.get("entropy") < off.get("entropy") - 0.2,
                "mean H − H(p̄) with λ=1: " + on.get("entropy") + ", off: " + off.get("entropy"));
        assertTrue(on.get("targetEntropy") <= off.get("targetEntropy"),
                "mean target entropy with λ=1: " + on.get("targetEntropy") + ", off: " + off.get("targetEntropy"));
        // value = mean H − H(p̄) with β = 1, so H(p̄) = mean H − value. The shifted target pushes the source-only
        // model towards one class; the diversity part keeps both in use (log 2 ≈ 0.693 is perfectly balanced).
        double marginalOff = off.get("targetEntropy") - off.get("entropy");
        double marginalOn = on.get("targetEntropy") - on.get("entropy");
        assertTrue(marginalOn > 0.5 && marginalOn > marginalOff + 0.2,
                "mean prediction entropy H(p̄) with λ=1: " + marginalOn + ", off: " + marginalOff);
    }

    @Test
    @DisplayName("pseudo_label on: the thresholded self-training loss on the target ends lower")
    void pseudoLabelsSelfTrain() {
        double off = run("off").get("pseudo_label");
        double on = run("pseudo_label").get("pseudo_label");
        assertTrue(on < 0.7 * off, "pseudo-label loss with λ=1: " + on + ", off: " + off);
    }

    @Test
    @DisplayName("consistency on: predictions on the noisy view of a target sample move towards the clean ones")
    void consistencyMakesPredictionsStable() {
        assumeTrue(engine == EngineChoice.SAMEDIFF, "a SameDiff-only term");
        double off = run("off").get("consistency");
        double on = run("consistency").get("consistency");
        assertTrue(on < 0.7 * off, "consistency with λ=1: " + on + ", off: " + off);
    }

    @Test
    @DisplayName("contrastive on: same-class source features closer, other classes beyond the margin")
    void contrastiveClustersSourceFeatures() {
        assumeTrue(engine == EngineChoice.SAMEDIFF, "a SameDiff-only term");
        double off = run("off").get("contrastive");
        double on = run("contrastive").get("contrastive");
        assertTrue(on < 0.7 * off, "contrastive with λ=1: " + on + ", off: " + off);
    }

    @Test
    @DisplayName("mmd with median bandwidth, and with the linear-time estimator: on, the discrepancy ends lower")
    void mmdOptionsAlignTheDomains() {
        for (MmdLoss term : List.of(new MmdLoss(MmdLoss.Bandwidth.MEDIAN, MmdLoss.Estimator.QUADRATIC, 0.5, 1, 2),
                new MmdLoss(MmdLoss.Bandwidth.MEAN, MmdLoss.Estimator.LINEAR, MmdLoss.defaultMultipliers()))) {
            double off = train(term, 0.0).get("mmd");
            double on = train(term, 1.0).get("mmd");
            assertTrue(on < 0.5 * off, term + " with λ=1: " + on + ", off: " + off);
        }
    }

    @Test
    @DisplayName("cdan on: the conditional domain classifier ends closer to chance (BCE towards log 2)")
    void cdanConfusesTheConditionalDomainClassifier() {
        ModelSpec spec = new ModelSpec(DIM, 2, List.of(16, 8), Activation.RELU, 0.0, 99L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.01), 5.0, new CrossEntropyLoss(),
                List.of(new ConditionalAdversarialLoss(8, 2, 16)));
        double off = train(spec, Map.of("cdan", DANN_OFF)).get("cdan");
        double on = train(spec, Map.of("cdan", 1.0)).get("cdan");
        assertTrue(off < 0.6, "the classifier separates the domains when unopposed: BCE " + off);
        assertTrue(on > off + 0.05, "conditional domain BCE with λ=1: " + on + ", off: " + off);
    }

    private Map<String, Double> run(String termOn) {
        synchronized (RUNS) {
            return RUNS.computeIfAbsent(engine + ":" + termOn, key -> train(termOn));
        }
    }

    /** Means over the last 10 steps of each term's value and of the mean target entropy. */
    private Map<String, Double> train(String termOn) {
        Map<String, Double> lambdas = new HashMap<>(Map.of("coral", 0.0, "dann", DANN_OFF, "entropy", 0.0,
                "pseudo_label", 0.0, "consistency", 0.0, "contrastive", 0.0));
        if (!termOn.equals("off")) {
            lambdas.put(termOn, 1.0);
        }
        List<DomainLoss> terms = new ArrayList<>(List.of(new CoralLoss(), new DomainAdversarialLoss(8, 16),
                new InformationMaximizationLoss(1.0), new PseudoLabelLoss(0.7)));
        if (engine == EngineChoice.SAMEDIFF) { // the fast engine has no consistency or contrastive kernel
            terms.addAll(List.of(new ConsistencyLoss(0.5), new ContrastiveLoss(1.0)));
        } else {
            lambdas.keySet().removeAll(List.of("consistency", "contrastive"));
        }
        ModelSpec spec = new ModelSpec(DIM, 2, List.of(16, 8), Activation.RELU, 0.0, 99L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.01), 5.0, new CrossEntropyLoss(), terms);
        return train(spec, lambdas);
    }

    /** A graph with the one mmd term {@code term} at weight λ. */
    private Map<String, Double> train(MmdLoss term, double lambda) {
        ModelSpec spec = new ModelSpec(DIM, 2, List.of(16, 8), Activation.RELU, 0.0, 99L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.01), 5.0, new CrossEntropyLoss(), List.of(term));
        return train(spec, Map.of("mmd", lambda));
    }

    private Map<String, Double> train(ModelSpec spec, Map<String, Double> lambdas) {
        Random random = new Random(23);
        Map<String, Double> last = new HashMap<>(Map.of("targetEntropy", 0.0));
        try (TransferModel model = TransferModel.initialise(spec.withEngine(engine))) {
            for (int step = 0; step < STEPS; step++) {
                Batch source = batch(random, 0.0);
                Batch target = batch(random, 1.5);
                StepOutcome outcome = model.step(source.x, source.y, target.x, lambdas);
                assertTrue(outcome.applied());
                if (step >= STEPS - 10) {
                    outcome.domainLossValues().forEach((term, value) -> last.merge(term, value / 10, Double::sum));
                    last.merge("targetEntropy", outcome.targetMeanEntropy() / 10, Double::sum);
                }
            }
        }
        return last;
    }

    private record Batch(INDArray x, int[] y) {
    }

    /** Two Gaussian classes along the first axis; the target domain is shifted and its second axis stretched. */
    private static Batch batch(Random random, double domainShift) {
        double[][] x = new double[BATCH][DIM];
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = random.nextInt(2);
            for (int j = 0; j < DIM; j++) {
                x[i][j] = 0.5 * random.nextGaussian() + domainShift;
            }
            x[i][1] *= 1.0 + domainShift;
            x[i][0] += y[i] == 1 ? 1.5 : -1.5;
        }
        return new Batch(TestSpecs.array(x, DataType.FLOAT), y);
    }
}
