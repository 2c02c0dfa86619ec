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
    static final ChaosSettings SETTINGS = new ChaosSettings(11, 320, 320, 16, 16, 0,
            ChaosSettings.StopSignal.SIGKILL, 0, OUTAGE, "exactly_once_v2", 100, Map.of("model.hidden", "64,32"),
            Duration.ofMinutes(3));

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
        assertTrue(run.verdict().passed(), run.summary());
    }

}
