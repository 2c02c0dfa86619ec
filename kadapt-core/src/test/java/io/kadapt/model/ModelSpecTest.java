package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.MmdLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

@Tag("unit")
class ModelSpecTest {

    @Test
    void rejectsInvalidFieldsNamingThem() {
        assertRejected("inputDim", b -> b.inputDim = 0);
        assertRejected("numClasses", b -> b.numClasses = 1);
        assertRejected("hiddenLayers", b -> b.hidden = List.of());
        assertRejected("hiddenLayers", b -> b.hidden = List.of(4, 0));
        assertRejected("dropout", b -> b.dropout = 1.0);
        assertRejected("dropout", b -> b.dropout = -0.1);
        assertRejected("dataType", b -> b.dtype = DataType.INT);
        assertRejected("gradientClipNorm", b -> b.clip = -1);
        assertRejected("distinct", b -> b.domain = List.of(new MmdLoss(), new MmdLoss(1.0)));
        assertThrows(IllegalArgumentException.class, () -> new AdamSettings(0.0, 0.9, 0.999, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> new AdamSettings(1e-3, 1.0, 0.999, 1e-8));
    }

    @Test
    void copiesListsSoLaterChangesCannotReachTheModel() {
        List<Integer> hidden = new ArrayList<>(List.of(4));
        ModelSpec spec = new Builder().with(b -> b.hidden = hidden).build();
        hidden.add(5);
        assertEquals(List.of(4), spec.hiddenLayers());
        assertEquals(4, spec.featureDim());
    }

    @Test
    void parsesActivationConfigNames() {
        assertEquals(Activation.LEAKY_RELU, Activation.fromConfigName("leaky_relu"));
        assertEquals("elu", Activation.ELU.configName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Activation.fromConfigName("RELU"));
        assertTrue(e.getMessage().contains("relu, tanh"), e.getMessage());
    }

    @Test
    void stepRejectsMisshapenInputsAndUnknownLambdas() {
        try (TransferModel model = TransferModel.initialise(new Builder().build())) {
            var x = Nd4j.rand(DataType.FLOAT, 3, 4);
            assertThrows(IllegalArgumentException.class,
                    () -> model.step(Nd4j.rand(DataType.FLOAT, 3, 5), new int[3], x, Map.of("mmd", 1.0)));
            assertThrows(IllegalArgumentException.class, () -> model.step(x, new int[2], x, Map.of("mmd", 1.0)));
            assertThrows(IllegalArgumentException.class, () -> model.step(x, new int[] {0, 1, 2}, x,
                    Map.of("mmd", 1.0)));
            assertThrows(IllegalArgumentException.class, () -> model.step(x, new int[3], x, Map.of()));
            assertThrows(IllegalArgumentException.class,
                    () -> model.step(x, new int[3], x, Map.of("mmd", 1.0, "dann", 1.0)));
            assertEquals(0, model.step());
        }
    }

    private static void assertRejected(String fieldMention, Consumer<Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Builder().with(change).build());
        assertTrue(e.getMessage().contains(fieldMention), e.getMessage());
    }

    private static final class Builder {
        int inputDim = 4;
        int numClasses = 2;
        List<Integer> hidden = List.of(4);
        double dropout = 0.0;
        DataType dtype = DataType.FLOAT;
        double clip = 0.0;
        List<DomainLoss> domain = List.of(new MmdLoss());

        Builder with(Consumer<Builder> change) {
            change.accept(this);
            return this;
        }

        ModelSpec build() {
            return new ModelSpec(inputDim, numClasses, hidden, Activation.RELU, dropout, 1L, dtype,
                    AdamSettings.withLearningRate(1e-3), clip, new CrossEntropyLoss(), domain);
        }
    }
}
