package io.kadapt.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Prediction;
import io.kadapt.data.Task;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MeanSquaredErrorLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.model.Activation;
import io.kadapt.model.AdamSettings;
import io.kadapt.model.ModelSpec;
import io.kadapt.model.TransferModel;
import io.kadapt.training.ModelExport;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("unit")
class ServedModelTest {
    private static final int INPUTS = 7;

    private static ModelSpec classifier(Activation activation) {
        return new ModelSpec(INPUTS, 3, List.of(9, 5), activation, 0.0, 11L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.05), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
    }

    /** A model moved away from its initial draw, exported with a non-trivial standardisation. */
    private static ModelExport trainedExport(ModelSpec spec, TransferModel model, Random random) {
        float[][] xs = rows(random, 8);
        INDArray x = Nd4j.create(xs);
        double[] ys = spec.task() == Task.CLASSIFICATION ? random.ints(8, 0, spec.numClasses()).asDoubleStream()
                .toArray() : random.doubles(8).toArray();
        for (int s = 0; s < 5; s++) {
            model.step(x, ys, Nd4j.create(rows(random, 8)), Map.of("mmd", 1.0));
        }
        double[] mean = random.doubles(INPUTS, -1, 1).toArray();
        double[] scale = random.doubles(INPUTS, 0.5, 2).toArray();
        return new ModelExport(spec, model.step(), model.parameters(), mean, scale);
    }

    private static float[][] rows(Random random, int n) {
        float[][] rows = new float[n][INPUTS];
        for (float[] row : rows) {
            for (int j = 0; j < INPUTS; j++) {
                row[j] = (float) (random.nextGaussian() * 2);
            }
        }
        return rows;
    }

    /** What the training engine predicts for raw rows standardised as the export says. */
    private static INDArray engineOutputs(TransferModel model, ModelExport export, float[][] raw) {
        float[][] z = new float[raw.length][INPUTS];
        for (int r = 0; r < raw.length; r++) {
            for (int i = 0; i < INPUTS; i++) {
                z[r][i] = (float) ((raw[r][i] - export.targetMean()[i]) * export.targetScale()[i]);
            }
        }
        return model.predictOutputs(Nd4j.create(z));
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    @DisplayName("the serving forward pass equals the training engine's, class and probabilities")
    void equalsTheEngine(Activation activation) {
        Random random = new Random(7);
        ModelSpec spec = classifier(activation);
        try (TransferModel model = TransferModel.initialise(spec)) {
            ModelExport export = trainedExport(spec, model, random);
            ServedModel served = ServedModel.of(export);
            ServedModel.Scratch scratch = served.scratch();
            float[][] raw = rows(random, 20);
            float[][] expected = engineOutputs(model, export, raw).toFloatMatrix();
            for (int r = 0; r < raw.length; r++) {
                Prediction prediction = served.predict("t-" + r, raw[r], scratch);
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[r][c], prediction.probabilities()[c], 1e-5, activation + " row " + r);
                }
                assertEquals(argmax(expected[r]), prediction.predictedClass());
                assertEquals(model.step(), prediction.modelStep());
            }
        }
    }

    @Test
    @DisplayName("regression: the predicted value equals the engine's")
    void regressionValue() {
        Random random = new Random(8);
        ModelSpec spec = new ModelSpec(INPUTS, 1, List.of(6), Activation.TANH, 0.0, 3L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.05), 0.0, new MeanSquaredErrorLoss(), List.of(new MmdLoss()));
        try (TransferModel model = TransferModel.initialise(spec)) {
            ModelExport export = trainedExport(spec, model, random);
            ServedModel served = ServedModel.of(export);
            float[][] raw = rows(random, 5);
            float[][] expected = engineOutputs(model, export, raw).toFloatMatrix();
            for (int r = 0; r < raw.length; r++) {
                Prediction prediction = served.predict("t", raw[r], served.scratch());
                assertEquals(expected[r][0], prediction.predicted(), 1e-5);
                assertEquals(null, prediction.probabilities());
            }
        }
    }

    @Test
    @DisplayName("encode/decode gives a model with bit-identical predictions; corrupt bytes are refused")
    void roundTrip() {
        Random random = new Random(9);
        ModelSpec spec = classifier(Activation.LEAKY_RELU);
        try (TransferModel model = TransferModel.initialise(spec)) {
            ServedModel served = ServedModel.of(trainedExport(spec, model, random));
            byte[] bytes = served.encode();
            ServedModel decoded = ServedModel.decode(bytes);
            assertEquals(served.step(), decoded.step());
            assertTrue(decoded.fits(spec));
            for (float[] row : rows(random, 10)) {
                assertArrayEquals(served.predict("x", row, served.scratch()).probabilities(),
                        decoded.predict("x", row, decoded.scratch()).probabilities());
            }
            assertThrows(IllegalArgumentException.class,
                    () -> ServedModel.decode(Arrays.copyOf(bytes, bytes.length - 3)));
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertThrows(IllegalArgumentException.class, () -> ServedModel.decode(longer));
            byte[] foreign = bytes.clone();
            foreign[0] ^= 1;
            assertThrows(IllegalArgumentException.class, () -> ServedModel.decode(foreign));
        }
    }

    @Test
    @DisplayName("fits() refuses another shape, task or activation")
    void fitsOnlyItsSpec() {
        ModelSpec spec = classifier(Activation.RELU);
        try (TransferModel model = TransferModel.initialise(spec)) {
            ServedModel served = ServedModel.of(trainedExport(spec, model, new Random(1)));
            assertTrue(served.fits(spec));
            assertFalse(served.fits(classifier(Activation.TANH)));
            assertFalse(served.fits(new ModelSpec(INPUTS, 3, List.of(9, 4), Activation.RELU, 0.0, 11L,
                    DataType.FLOAT, AdamSettings.withLearningRate(0.05), 0.0, new CrossEntropyLoss(),
                    List.of(new MmdLoss()))));
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
