package io.kadapt.demo;

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

    @Test
    @DisplayName("with the demo defaults, MMD adaptation beats source-only (λ = 0) on target accuracy")
    void adaptationBeatsSourceOnly() {
        double sourceOnly = prequentialAccuracy(Map.of("loss.lambda", "0"));
        double adapted = prequentialAccuracy(Map.of());
        System.out.printf("demo stream, last %d of %d target samples: source-only %.3f, adapted %.3f%n",
                SCORED, PAIRS, sourceOnly, adapted);
        assertTrue(sourceOnly < 0.75, "the demo shift must defeat source-only training: " + sourceOnly);
        assertTrue(adapted > sourceOnly + 0.05, "adapted " + adapted + " vs source-only " + sourceOnly);
    }

    /** Test-then-train over the demo stream, scoring the last {@value #SCORED} target predictions. */
    private static double prequentialAccuracy(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(DemoSettings.DEFAULTS);
        settings.putAll(overrides);
        KadaptConfig config = KadaptConfig.of(settings);
        DomainShiftStream stream = new DomainShiftStream(7, DemoSettings.ROTATION_DEGREES);
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
