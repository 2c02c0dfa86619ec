package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("unit")
class InitialisationTest {

    @Test
    void sameSeedSameParametersDifferentSeedDifferent() {
        ModelSpec spec = TestSpecs.smallWithMmd(21L, DataType.FLOAT, 0.1);
        Map<String, INDArray> first;
        Map<String, INDArray> second;
        Map<String, INDArray> other;
        try (TransferModel a = TransferModel.initialise(spec);
             TransferModel b = TransferModel.initialise(spec);
             TransferModel c = TransferModel.initialise(TestSpecs.smallWithMmd(22L, DataType.FLOAT, 0.1))) {
            assertEquals(0, a.step());
            first = a.parameters();
            second = b.parameters();
            other = c.parameters();
        }
        assertEquals(first.keySet(), second.keySet());
        for (String name : first.keySet()) {
            assertTrue(first.get(name).equals(second.get(name)), name + " identical for the same seed");
            if (name.endsWith("/W")) {
                assertFalse(first.get(name).equals(other.get(name)), name + " differs for another seed");
                assertTrue(first.get(name).amaxNumber().doubleValue() > 0.0, name + " is not all zero");
            } else {
                assertEquals(0.0, first.get(name).amaxNumber().doubleValue(), name + " starts at zero");
            }
        }
        // He-uniform bound for the first ReLU layer: √(6/fanIn) with fanIn = 4.
        assertTrue(first.get("hidden_0/W").amaxNumber().doubleValue() <= Math.sqrt(6.0 / 4));
    }
}
