package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.DomainInputs;
import io.kadapt.loss.DomainLoss;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.weightinit.impl.XavierInitScheme;

/** The extension point for terms with their own parameters (a DANN discriminator, say). */
@Tag("unit")
class DomainTermVariablesTest {

    /** A toy term with a trainable projection: mean over both batches of (f·w)². */
    private static final class ProjectionTerm implements DomainLoss {
        @Override
        public String name() {
            return "projection";
        }

        @Override
        public SDVariable define(SameDiff sd, DomainInputs in) {
            SDVariable w = sd.var("projection/w", new XavierInitScheme('c', 3, 1), DataType.FLOAT, 3, 1);
            SDVariable source = in.sourceFeatures().mmul(w);
            SDVariable target = in.targetFeatures().mmul(w);
            return source.mul(source).mean().add(target.mul(target).mean());
        }
    }

    @Test
    @DisplayName("a term's own variables are seeded, trained by the optimiser and carried in snapshots")
    void termVariablesAreFirstClassParameters() {
        ModelSpec spec = TestSpecs.small(13L, DataType.FLOAT, 0.0, Activation.TANH, List.of(new ProjectionTerm()));
        Random random = new Random(2);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 5, 4, 0.0), DataType.FLOAT);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 5, 4, 1.0), DataType.FLOAT);
        int[] ys = TestSpecs.labels(random, 5, 3);
        try (TransferModel a = TransferModel.initialise(spec); TransferModel b = TransferModel.initialise(spec)) {
            INDArray initial = a.parameters().get("projection/w");
            assertEquals(initial, b.parameters().get("projection/w"), "same seed, same initial term variables");

            StepOutcome outcome = a.step(xs, ys, xt, Map.of("projection", 1.0));
            assertTrue(outcome.applied());
            assertTrue(outcome.domainLossValues().get("projection") > 0.0);
            assertFalse(initial.equals(a.parameters().get("projection/w")), "the optimiser updates it");
            assertTrue(a.snapshot().names().containsAll(
                    List.of("param/projection/w", "adam_m/projection/w", "adam_v/projection/w")));
        }
    }
}
