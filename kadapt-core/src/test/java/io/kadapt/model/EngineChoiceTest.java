package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.ConsistencyLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.MmdLoss;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Which engine a spec gets: auto falls back to SameDiff for a term the fast engine lacks; fast refuses it. */
@Tag("unit")
class EngineChoiceTest {

    private static ModelSpec spec(List<DomainLoss> terms, EngineChoice engine) {
        return TestSpecs.small(1L, DataType.FLOAT, 0.0, Activation.RELU, terms).withEngine(engine);
    }

    private static String engineOf(ModelSpec spec) {
        try (TransferModel model = TransferModel.initialise(spec)) {
            return model.engine().name();
        }
    }

    @Test
    @DisplayName("auto: fast when it covers every term, SameDiff otherwise; samediff and fast as asked")
    void choosesTheEngine() {
        assertEquals("fast", engineOf(spec(List.of(new MmdLoss()), EngineChoice.AUTO)));
        assertEquals("samediff", engineOf(spec(List.of(new MmdLoss(), new ConsistencyLoss(0.5)), EngineChoice.AUTO)));
        assertEquals("samediff", engineOf(spec(List.of(new MmdLoss()), EngineChoice.SAMEDIFF)));
        assertEquals("fast", engineOf(spec(List.of(new MmdLoss()), EngineChoice.FAST)));
    }

    @Test
    @DisplayName("fast with a term it does not cover is a spec error naming the term")
    void fastRefusesUncoveredTerms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(List.of(new ConsistencyLoss(0.5)), EngineChoice.FAST));
        assertTrue(e.getMessage().contains("'consistency'"), e.getMessage());
        assertEquals(EngineChoice.SAMEDIFF, EngineChoice.fromConfigName("samediff"));
        assertThrows(IllegalArgumentException.class, () -> EngineChoice.fromConfigName("gpu"));
    }
}
