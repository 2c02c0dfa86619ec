package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three kadapt instances sharing 6 target partitions, SIGKILLed one at a time (alternately the trainer's instance and
 * a predictor-only one) and restarted: every target predicted once, every sample trained once, and the model
 * bit-identical to a replay of the committed training log. The K=3 version of {@code bench chaos --instances 3}.
 */
@Tag("chaos")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstancesChaosTest {
    static final ChaosSettings SETTINGS = new ChaosSettings(11, 640, 640, 16, 16, 3,
            ChaosSettings.StopSignal.SIGKILL, 0, Duration.ZERO, "exactly_once_v2", 100, Map.of("model.hidden", "64,32"),
            Duration.ofMinutes(4));

    @TempDir
    static Path workDir;

    private ChaosHarness harness;

    @BeforeAll
    void startBrokerAndProduce() throws Exception {
        harness = ChaosHarness.start(workDir, System.out);
        harness.produceInput(SETTINGS.seed(), SETTINGS.sources(), SETTINGS.targets(), 6);
    }

    @AfterAll
    void stopBroker() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    @DisplayName("3 instances, 6 target partitions, 3 SIGKILLs (trainer, predictor, trainer): exactly once, replay-identical")
    void threeInstancesSurviveKills() throws Exception {
        RunReport run = harness.runInstances("instances", SETTINGS, null, 3);
        assertEquals(SETTINGS.kills(), run.killedAtPredictions().size(), run.summary());
        assertTrue(run.verdict().passed(), run.summary());
    }
}
