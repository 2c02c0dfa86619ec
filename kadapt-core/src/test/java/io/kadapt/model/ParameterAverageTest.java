package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MmdLoss;
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

@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class ParameterAverageTest {
    private static final double DECAY = 0.9;
    private static final Map<String, Double> LAMBDAS = Map.of("mmd", 0.5);

    private final EngineChoice engine;

    ParameterAverageTest(EngineChoice engine) {
        this.engine = engine;
    }

    /** A source batch with labels and a shifted target batch, drawn from {@code seed}. */
    private record Batches(INDArray xs, INDArray xt, int[] ys) {
        static Batches draw(long seed) {
            Random random = new Random(seed);
            return new Batches(TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.0), DataType.DOUBLE),
                    TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.8), DataType.DOUBLE),
                    TestSpecs.labels(random, 8, 3));
        }
    }

    private ModelSpec spec(double averageDecay) {
        AdamSettings adam = new AdamSettings(0.01, 0.9, 0.999, 1e-8, LearningRateSchedule.CONSTANT, 0.0, averageDecay);
        return new ModelSpec(4, 3, List.of(6, 3), Activation.RELU, 0.0, 5L, DataType.DOUBLE, adam, 0.0,
                new CrossEntropyLoss(), List.of(new MmdLoss())).withEngine(engine);
    }

    @Test
    @DisplayName("the served parameters are the moving average of the parameters after each step, computed apart")
    void servedParametersAreTheMovingAverage() {
        Batches batches = Batches.draw(3);
        INDArray xs = batches.xs();
        INDArray xt = batches.xt();
        int[] ys = batches.ys();
        try (TransferModel model = TransferModel.initialise(spec(DECAY))) {
            Map<String, double[]> expected = new HashMap<>();
            model.parameters().forEach((name, p) -> expected.put(name, p.dup().data().asDouble()));
            for (int t = 1; t <= 40; t++) {
                model.step(xs, ys, xt, LAMBDAS);
                double beta = Math.min(DECAY, (1.0 + t) / (10.0 + t));
                model.parameters().forEach((name, p) -> {
                    double[] now = p.dup().data().asDouble();
                    double[] average = expected.get(name);
                    for (int i = 0; i < average.length; i++) {
                        average[i] = beta * average[i] + (1 - beta) * now[i];
                    }
                });
            }
            Map<String, INDArray> served = model.servedParameters();
            model.parameters().forEach((name, p) -> {
                assertArrayEquals(expected.get(name), served.get(name).dup().data().asDouble(), 1e-12, name);
                assertNotEquals(p, served.get(name), name + ": the average lags the last step");
            });
            try (TransferModel averaged = TransferModel.initialise(spec(0.0), served)) {
                assertEquals(averaged.predictOutputs(xt), model.predictServedOutputs(xt),
                        "the served prediction is the average's");
            }
            assertNotEquals(model.predictOutputs(xt), model.predictServedOutputs(xt));
        }
    }

    @Test
    @DisplayName("a snapshot keeps the average; one without it (averaging turned on later) starts it at the parameters")
    void snapshotCarriesTheAverage() {
        Batches batches = Batches.draw(4);
        INDArray xs = batches.xs();
        INDArray xt = batches.xt();
        int[] ys = batches.ys();
        try (TransferModel model = TransferModel.initialise(spec(DECAY))) {
            for (int t = 0; t < 5; t++) {
                model.step(xs, ys, xt, LAMBDAS);
            }
            ModelSnapshot snapshot = ModelSnapshot.decode(model.snapshot().encode());
            try (TransferModel restored = TransferModel.restore(spec(DECAY), snapshot)) {
                model.step(xs, ys, xt, LAMBDAS);
                restored.step(xs, ys, xt, LAMBDAS);
                assertEquals(model.servedParameters(), restored.servedParameters(), "the average continues exactly");
            }
            try (TransferModel plain = TransferModel.restore(spec(0.0), snapshot);
                 TransferModel turnedOn = TransferModel.restore(spec(DECAY), plain.snapshot())) {
                assertEquals(plain.parameters(), plain.servedParameters(), "without averaging it serves the last step");
                assertEquals(turnedOn.parameters(), turnedOn.servedParameters());
            }
        }
    }
}
