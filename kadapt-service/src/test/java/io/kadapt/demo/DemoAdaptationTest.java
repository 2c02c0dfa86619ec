package io.kadapt.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.config.KadaptConfig;
import io.kadapt.config.ModelSpecs;
import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.model.TransferModel;
import io.kadapt.training.OnlineTrainer;
import io.kadapt.training.TrainerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The demo's promise: on its stream, the adapted model beats the source-only one on the target, clearly. */
@Tag("unit")
class DemoAdaptationTest {
    private static final int PAIRS = 4000;
    private static final int SCORED = 1000;

    /**
     * README's claim, measured over 12 (stream seed, model seed) pairs ((7, 42), and (s, s) for s in 1–6, 8–12):
     * source-only 60–72 % (mean 67 %); adapted 84 % on the demo's seeds (7, 42), 80–84 % on five more, equal to
     * source-only on four (the guard serves the shadow), 36–40 % on three, e.g. (3, 3): 40 %.
     */
    @Test
    @DisplayName("README's claim: source-only near 67 %, the demo's seeds adapt to 84 %, and some seeds collapse")
    // Three runs of 4000 pairs (about 20 s each on a loaded 2-core machine); the other seeds are measured, not re-run.
    void adaptationBeatsSourceOnly() {
        double sourceOnly = prequentialAccuracy(7, 42, Map.of("loss.lambda", "0"));
        double adapted = prequentialAccuracy(7, 42, Map.of());
        double collapsed = prequentialAccuracy(3, 3, Map.of());
        System.out.printf("demo stream, last %d of %d target samples: seeds (7, 42) source-only %.3f, adapted %.3f;"
                + " adapted (3, 3) %.3f%n", SCORED, PAIRS, sourceOnly, adapted,
                collapsed);
        assertTrue(sourceOnly >= 0.60 && sourceOnly <= 0.72, "README: source-only stays near 67 %: " + sourceOnly);
        assertEquals(0.84, adapted, 0.03, "README: the demo's seeds adapt to 84 %");
        assertTrue(adapted > sourceOnly + 0.1, "adapted " + adapted + " vs source-only " + sourceOnly);
        assertTrue(collapsed < 0.6, "README: adaptation is seed-dependent; (3, 3) collapses: " + collapsed);
    }

    /** Test-then-train over the demo stream, scoring the last {@value #SCORED} target predictions. */
    private static double prequentialAccuracy(long streamSeed, long modelSeed, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(DemoSettings.DEFAULTS);
        settings.put("model.seed", Long.toString(modelSeed));
        settings.putAll(overrides);
        KadaptConfig config = KadaptConfig.of(settings);
        DomainShiftStream stream = new DomainShiftStream(streamSeed, DemoSettings.ROTATION_DEGREES);
        int correct = 0;
        try (OnlineTrainer trainer = new OnlineTrainer(ModelSpecs.training(config),
                TransferModel.initialise(ModelSpecs.from(config)), TrainerState.fresh(DomainShiftStream.FEATURES),
                List.of(), List.of())) {
            for (int i = 0; i < PAIRS; i++) {
                DomainShiftStream.Point source = stream.next(Domain.SOURCE);
                trainer.admit(Domain.SOURCE, new Sample("s-" + i, source.features(), source.label()));
                DomainShiftStream.Point target = stream.next(Domain.TARGET);
                Sample unlabelled = new Sample("t-" + i, target.features(), Sample.NO_LABEL);
                trainer.admit(Domain.TARGET, unlabelled);
                if (i >= PAIRS - SCORED && trainer.predict(unlabelled).predictedClass() == target.label()) {
                    correct++;
                }
                while (trainer.readyToTrain()) {
                    trainer.trainReadyBatch();
                }
            }
        }
        return (double) correct / SCORED;
    }
}
