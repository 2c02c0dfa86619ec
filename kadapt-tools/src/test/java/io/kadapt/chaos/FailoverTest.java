package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Failures around a running kadapt rather than of it: the broker bounced under it (clean and hard), and the active
 * instance of two SIGKILLed so that its warm standby takes over. Either way the committed output and model must equal
 * an uninterrupted run's exactly. One broker, one input and one reference run serve both tests.
 */
@Tag("chaos")
class FailoverTest extends ReferenceRunTest {
    /** Down at least this long per bounce; the restart adds the broker's own start time (about 5 s). */
    static final Duration OUTAGE = Duration.ofSeconds(5);
    /**
     * 512 steps per batch (about 20,000 steps, some 25 s of training): the standby needs several seconds after both
     * instances are up before it applies a changelog record, and a faster stream leaves it nothing to take over. With 4
     * steps per batch the trainer finished all 80 steps first; with 32 (1,248 steps once feedback learning added its
     * own) and with 128 (4,992 steps, done 12.6 s after launch in CI) it happened again.
     */
    static final ChaosSettings SETTINGS = new ChaosSettings(11, 320, 320, 16, 16, 0,
            ChaosSettings.StopSignal.SIGKILL, 0, OUTAGE, "exactly_once_v2", 100,
            Map.of("model.hidden", "64,32", "train.steps-per-batch", "512"), Duration.ofMinutes(3));

    @Override
    ChaosSettings settings() {
        return SETTINGS;
    }

    @Test
    @DisplayName("broker bounced twice (SIGTERM, then SIGKILL) under a running kadapt: it recovers by itself, exactly once")
    void brokerBounce() throws Exception {
        // Given kadapt running on the input, when the broker is stopped cleanly, restarted, then killed and restarted
        RunReport run = harness.runChaos("bounce", SETTINGS.withBrokerBounces(2, OUTAGE), reference);
        // Then both bounces landed mid-stream, the one kadapt process never failed nor replaced its stream thread,
        // and every exactly-once check holds against the uninterrupted run
        assertEquals(2, run.brokerBounces().size(), run.summary());
        assertEquals(1, run.starts(), run.summary());
        assertTrue(run.verdict().passed(), run.summary());
    }

    @Test
    @DisplayName("two instances, num.standby.replicas=1: the active one SIGKILLed, the standby takes over warm, exactly once")
    void standbyTakeover() throws Exception {
        // Given two instances of one application, one active and one holding a standby copy of the model
        // When the active one is SIGKILLed mid-stream
        RunReport run = harness.runStandbyTakeover("standby", SETTINGS, reference, 1);
        // Then the survivor replays only the tail of the changelog (not the model from scratch), and every
        // exactly-once check holds against the uninterrupted run
        assertTrue(run.takeover() != null && run.takeover().warm(), run.summary());
        assertTrue(run.takeover().standbyRecords() > 0 && run.takeover().changelogRecords() > 0, run.summary());
        assertTrue(run.verdict().passed(), run.summary());
    }

    @Test
    @DisplayName("control: the same takeover with num.standby.replicas=0 restores from scratch and fails the warm check")
    void standbyTakeoverControl() throws Exception {
        // Given two instances without a standby copy, when the active one is SIGKILLed mid-stream
        RunReport run = harness.runStandbyTakeover("no-standby", SETTINGS, reference, 0);
        StandbyTakeover takeover = run.takeover();
        // Then the survivor replays the changelog from scratch, and the restore counter sees it: had the counter been
        // renamed or broken it would read 0 here, and the warm check of standbyTakeover could not fail
        assertTrue(takeover != null && !takeover.warm(), run.summary());
        assertEquals(0, takeover.standbyRecords(), run.summary());
        assertTrue(takeover.changelogRecords() > 0
                && takeover.restoredRecords() >= StandbyTakeover.MAX_RESTORED_SHARE * 2 * takeover.changelogRecords(),
                "a cold takeover replays (nearly) the whole changelog: " + run.summary());
        // And the only failure is the takeover check: the exactly-once checks hold without a standby too
        assertEquals(1, run.verdict().failures().size(), run.summary());
        assertTrue(run.verdict().failures().get(0).startsWith("the survivor did not take over warm"), run.summary());
    }

}
