package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * a predictor-only one) and restarted, or restarted in turn with SIGTERM as a rolling update does: every target
 * predicted once, every sample trained once, and the model
 * bit-identical to a replay of the committed training log. The K=3 version of {@code bench chaos --instances 3}.
 *
 * <p>Kill points are in committed trainer steps. 1,920 samples per domain (480 steps) because a restarted trainer
 * catches up in a burst: with 160 steps it once finished the rest of the input between two polls of the harness and
 * the third kill never came.
 */
@Tag("chaos")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstancesChaosTest {
    static final ChaosSettings SETTINGS = new ChaosSettings(11, 1920, 1920, 16, 16, 3,
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

    @Test
    @DisplayName("3 instances, rolling restart (each in turn SIGTERMed, restarted, waited for): exactly once, replay-identical")
    void rollingRestart() throws Exception {
        // 32 steps per batch (3,840 steps): a roll of three restarts, each waiting for the instance to run again
        // (about 10 s), takes longer than the trainer needs for 480 steps.
        Map<String, String> slowerTrainer = new HashMap<>(SETTINGS.kadapt());
        slowerTrainer.put("train.steps-per-batch", "32");
        ChaosSettings rolling = new ChaosSettings(SETTINGS.seed(), SETTINGS.sources(), SETTINGS.targets(),
                SETTINGS.sourceBatch(), SETTINGS.targetBatch(), 3, ChaosSettings.StopSignal.SIGTERM, 0, Duration.ZERO,
                SETTINGS.guarantee(), SETTINGS.commitIntervalMs(), slowerTrainer, SETTINGS.runTimeout());
        RunReport run = harness.runInstances("rolling", rolling, null, 3);
        assertEquals(3, run.killedAtPredictions().size(), run.summary());
        assertTrue(run.sigtermExits().stream().allMatch(exit -> exit != null), run.summary());
        assertTrue(run.verdict().passed(), run.summary());
    }
}
