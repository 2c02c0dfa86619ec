package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MmdLoss;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The direct ND4J prediction path gives the SameDiff graph's probabilities, before and after training steps. */
@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class DirectForwardTest {

    private final EngineChoice engine;

    DirectForwardTest(EngineChoice engine) {
        this.engine = engine;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    @DisplayName("direct forward pass = SameDiff prediction path, float and double, 1 row and batches")
    void sameProbabilitiesAsSameDiff(Activation activation) {
        for (DataType dtype : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            double tolerance = dtype == DataType.FLOAT ? 1e-6 : 1e-12;
            ModelSpec spec = new ModelSpec(7, 3, List.of(9, 5), activation, 0.2, 11L, dtype,
                    AdamSettings.withLearningRate(0.05), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
            Random random = new Random(3);
            try (TransferModel model = TransferModel.initialise(spec.withEngine(engine))) {
                for (int round = 0; round < 3; round++) {
                    for (int rows : new int[] {1, 2, 17}) {
                        INDArray x = Nd4j.create(TestSpecs.gaussian(random, rows, 7, round)).castTo(dtype);
                        INDArray direct = model.predictProbabilities(x);
                        double diff = Transforms.abs(direct.sub(model.predictProbabilitiesWithSameDiff(x)))
                                .maxNumber().doubleValue();
                        assertTrue(diff <= tolerance, activation + " " + dtype + " rows " + rows + " round " + round
                                + ": max abs diff " + diff);
                        assertTrue(direct.dataType() == dtype, "dtype " + direct.dataType());
                    }
                    // move the parameters away from their initial values: the direct path must follow them
                    INDArray xs = Nd4j.create(TestSpecs.gaussian(random, 8, 7, 0)).castTo(dtype);
                    INDArray xt = Nd4j.create(TestSpecs.gaussian(random, 8, 7, 1)).castTo(dtype);
                    int[] ys = random.ints(8, 0, 3).toArray();
                    for (int s = 0; s < 5; s++) {
                        model.step(xs, ys, xt, Map.of("mmd", 1.0));
                    }
                }
            }
        }
    }
}
