package io.kadapt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Task;
import io.kadapt.loss.CoralLoss;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainAdversarialLoss;
import io.kadapt.loss.MeanSquaredErrorLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.model.ModelSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** model.task: which losses and domain terms each task accepts, and the errors that name the key at fault. */
@Tag("unit")
class RegressionConfigTest {

    private static final KadaptConfig REGRESSION = KadaptConfig.of(Map.of("model.input-dim", "4",
            "model.hidden", "8,5", "model.task", "regression"));
    private static final KadaptConfig CLASSIFICATION = KadaptConfig.of(Map.of("model.input-dim", "4",
            "model.classes", "3", "model.hidden", "8,5"));

    @Test
    @DisplayName("regression: mse by default, one output, no model.classes; feature terms allowed")
    void regressionSpec() {
        ModelSpec spec = ModelSpecs.from(REGRESSION.with(Map.of("loss.domain", "mmd,coral,dann")));
        assertEquals(Task.REGRESSION, spec.task());
        assertEquals(new MeanSquaredErrorLoss(), spec.supervisedLoss());
        assertEquals(1, spec.numClasses(), "a linear head with one output");
        assertEquals(List.of(new MmdLoss(), new CoralLoss(), new DomainAdversarialLoss(5, 64)), spec.domainLosses());
        assertEquals(new MeanSquaredErrorLoss(),
                ModelSpecs.from(REGRESSION.with(Map.of("loss.supervised", "mse"))).supervisedLoss());
        assertEquals(Map.of("mmd", 1.0).keySet(), ModelSpecs.training(REGRESSION).lambdaSchedules().keySet());
    }

    @Test
    @DisplayName("classification stays the default, with cross_entropy when loss.supervised is empty")
    void classificationDefault() {
        ModelSpec spec = ModelSpecs.from(CLASSIFICATION);
        assertEquals(Task.CLASSIFICATION, spec.task());
        assertEquals(new CrossEntropyLoss(), spec.supervisedLoss());
        assertEquals(3, spec.numClasses());
    }

    @Test
    @DisplayName("a loss of the other task fails, naming loss.supervised, the task and the losses that fit")
    void lossMustFitTheTask() {
        for (String loss : List.of("cross_entropy", "focal", "hinge")) {
            String message = assertThrows(ConfigException.class,
                    () -> ModelSpecs.from(REGRESSION.with(Map.of("loss.supervised", loss)))).getMessage();
            assertTrue(message.contains("loss.supervised=" + loss) && message.contains("model.task is regression")
                    && message.contains("mse"), message);
        }
        String message = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(CLASSIFICATION.with(Map.of("loss.supervised", "mse")))).getMessage();
        assertTrue(message.contains("loss.supervised=mse") && message.contains("model.task is classification")
                && message.contains("cross_entropy"), message);
    }

    @Test
    @DisplayName("entropy and pseudo_label read class probabilities: rejected for regression, naming loss.domain")
    void probabilityTermsAreClassificationOnly() {
        for (String term : List.of("entropy", "pseudo_label")) {
            String message = assertThrows(ConfigException.class,
                    () -> ModelSpecs.from(REGRESSION.with(Map.of("loss.domain", "mmd," + term)))).getMessage();
            assertTrue(message.contains("loss.domain") && message.contains(term) && message.contains("regression"),
                    message);
            assertThrows(ConfigException.class,
                    () -> ModelSpecs.training(REGRESSION.with(Map.of("loss.domain", term))));
        }
    }

    @Test
    @DisplayName("model.classes with regression and an unknown model.task fail naming the key")
    void badShapes() {
        String classes = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(REGRESSION.with(Map.of("model.classes", "2")))).getMessage();
        assertTrue(classes.contains("model.classes") && classes.contains("regression"), classes);
        String task = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(CLASSIFICATION.with(Map.of("model.task", "ranking")))).getMessage();
        assertTrue(task.contains("model.task"), task);
        String unknown = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(REGRESSION.with(Map.of("loss.supervised", "huber")))).getMessage();
        assertTrue(unknown.contains("loss.supervised") && unknown.contains("unknown loss 'huber'"), unknown);
        String missing = assertThrows(ConfigException.class,
                () -> ModelSpecs.from(REGRESSION.with(Map.of("model.task", "classification")))).getMessage();
        assertTrue(missing.contains("model.classes"), missing);
    }
}
