package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class UpdateGuardTest {

    private final EngineChoice engine;

    UpdateGuardTest(EngineChoice engine) {
        this.engine = engine;
    }

    @Test
    @DisplayName("a learning-rate spike's update is rolled back: parameters, Adam state and step unchanged; a sane rate applies")
    void rollsBackUpdatesLargerThanTheParameters() {
        Random random = new Random(5);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 16, 4, 0), DataType.FLOAT);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 16, 4, 1), DataType.FLOAT);
        int[] ys = TestSpecs.labels(random, 16, 3);
        ModelSpec sane = TestSpecs.smallWithMmd(3, DataType.FLOAT, 0.0);
        ModelSpec spiked = new ModelSpec(sane.inputDim(), sane.numClasses(), sane.hiddenLayers(), sane.activation(),
                sane.dropout(), sane.seed(), sane.dataType(), AdamSettings.withLearningRate(1e6),
                sane.gradientClipNorm(), sane.supervisedLoss(), sane.domainLosses());

        try (TransferModel model = TransferModel.initialise(spiked.withEngine(engine))) {
            byte[] before = model.snapshot().encode();
            StepOutcome outcome = model.step(xs, ys, xt, Map.of("mmd", 1.0));
            assertFalse(outcome.applied());
            assertEquals(StepOutcome.UPDATE_TOO_LARGE, outcome.skipReason());
            assertEquals(0, model.step());
            assertTrue(java.util.Arrays.equals(before, model.snapshot().encode()), "nothing changed, Adam moments included");
        }
        try (TransferModel model = TransferModel.initialise(sane.withEngine(engine))) {
            assertTrue(model.step(xs, ys, xt, Map.of("mmd", 1.0)).applied(), "a normal learning rate is not blocked");
            assertEquals(1, model.step());
        }
    }
}
