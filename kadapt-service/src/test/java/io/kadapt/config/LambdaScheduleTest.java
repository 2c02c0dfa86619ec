package io.kadapt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.MmdLoss;
import io.kadapt.training.LambdaSchedule;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class LambdaScheduleTest {

    @Test
    @DisplayName("constant, warm-up and DANN ramp at hand-computed steps")
    void curves() {
        LambdaSchedule constant = LambdaSchedule.constant(0.7);
        assertEquals(0.7, constant.at(0), 0.0);
        assertEquals(0.7, constant.at(1_000_000), 0.0);

        LambdaSchedule warmup = new LambdaSchedule(2.0, LambdaSchedule.Shape.WARMUP, 10.0, 100);
        assertEquals(0.0, warmup.at(0), 0.0);
        assertEquals(0.5, warmup.at(25), 1e-15);
        assertEquals(2.0, warmup.at(100), 0.0);
        assertEquals(2.0, warmup.at(5000), 0.0, "stays at λ after the warm-up");

        LambdaSchedule ramp = new LambdaSchedule(1.0, LambdaSchedule.Shape.DANN_RAMP, 10.0, 1000);
        assertEquals(0.0, ramp.at(0), 1e-15);
        // p = 0.5: 2/(1+e^−5) − 1 = tanh(2.5) ≈ 0.98661
        assertEquals(Math.tanh(2.5), ramp.at(500), 1e-12);
        assertEquals(0.98661, ramp.at(500), 1e-5);
        // p = 0.1: tanh(0.5) ≈ 0.46212
        assertEquals(0.46212, ramp.at(100), 1e-5);
        assertEquals(Math.tanh(5.0), ramp.at(10_000), 1e-12, "p is capped at 1");
    }

    @Test
    @DisplayName("per-term λ and schedule override the global ones; bad values name their key")
    void fromConfig() {
        KadaptConfig config = KadaptConfig.of(Map.of("loss.lambda", "0.5", "loss.mmd.schedule", "dann-ramp",
                "loss.schedule.steps", "200", "loss.schedule.gamma", "5"));
        LambdaSchedule mmd = ModelSpecs.lambdaSchedule(config, MmdLoss.TERM);
        assertEquals(new LambdaSchedule(0.5, LambdaSchedule.Shape.DANN_RAMP, 5.0, 200), mmd);
        assertEquals(2.0, ModelSpecs.lambdaSchedule(config.with(Map.of("loss.mmd.lambda", "2")), MmdLoss.TERM).lambda());

        ConfigException unknown = assertThrows(ConfigException.class, () -> ModelSpecs.lambdaSchedule(
                config.with(Map.of("loss.mmd.schedule", "cosine")), MmdLoss.TERM));
        assertTrue(unknown.getMessage().contains("loss.mmd.schedule") && unknown.getMessage().contains("dann-ramp"),
                unknown.getMessage());
        ConfigException negative = assertThrows(ConfigException.class, () -> ModelSpecs.lambdaSchedule(
                config.with(Map.of("loss.mmd.lambda", "-1")), MmdLoss.TERM));
        assertTrue(negative.getMessage().contains("loss.mmd.lambda"), negative.getMessage());
        ConfigException steps = assertThrows(ConfigException.class, () -> ModelSpecs.lambdaSchedule(
                config.with(Map.of("loss.schedule.steps", "0")), MmdLoss.TERM));
        assertTrue(steps.getMessage().contains("loss.schedule.steps"), steps.getMessage());
    }
}
