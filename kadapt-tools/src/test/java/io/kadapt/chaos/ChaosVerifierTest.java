package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kadapt.stream.serde.ControlAckMessage;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.training.AccuracyWindow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The verifier's dead-letter, feedback and control checks on hand-made committed output: each can fail. */
@Tag("unit")
class ChaosVerifierTest {
    /** What the verifier compares the checkpoint with; these tests have none, so that check fails, as they expect. */
    private static final ModelCheckpointStore.Checkpoint NO_REPLAY =
            new ModelCheckpointStore.Checkpoint(new byte[0], new byte[0], null);

    private static final ChaosInput INPUT = new ChaosInput(List.of("s-0"), List.of("t-0", "t-1"),
            Map.of("bad-0", "malformed_json", "bad-1", "label_out_of_range"), List.of("t-0"));

    private static List<String> failures(Map<String, List<String>> deadLetters, Map<String, byte[]> ledger) {
        RunOutput run = new RunOutput(Map.of(), Map.of(), Optional.empty(), deadLetters, ledger, List.of());
        return new ChaosVerifier(INPUT, 1, 1, ChaosHarness.STEPS_PER_BATCH, 4, log -> NO_REPLAY).verify(run, null)
                .failures().stream()
                .filter(f -> f.contains("dead-lettered") || f.contains("feedback") || f.contains("label")).toList();
    }

    private static Map<String, byte[]> ledger(long scored, String... waiting) {
        AccuracyWindow score = new AccuracyWindow(500);
        for (long i = 0; i < scored; i++) {
            score.record(true);
        }
        Map<String, byte[]> ledger = new HashMap<>(Map.of(ChaosVerifier.SCORE_KEY, score.encode()));
        for (String key : waiting) {
            ledger.put(key, new byte[12]);
        }
        return ledger;
    }

    private static final Map<String, List<String>> ONCE = Map.of("bad-0", List.of("malformed_json"),
            "bad-1", List.of("label_out_of_range"));

    @Test
    @DisplayName("each bad record once with its reason and each label scored once pass")
    void exactlyOncePasses() {
        assertEquals(List.of(), failures(ONCE, ledger(1, "p/t-1")));
    }

    @Test
    @DisplayName("a dead letter twice, missing, with another reason or for a good record fails")
    void deadLettersNotExactlyOnceFail() {
        Map<String, List<String>> twice = new HashMap<>(ONCE);
        twice.put("bad-0", List.of("malformed_json", "malformed_json"));
        assertEquals(1, failures(twice, ledger(1, "p/t-1")).size());
        assertEquals(1, failures(Map.of("bad-0", List.of("malformed_json")), ledger(1, "p/t-1")).size());
        assertEquals(1, failures(Map.of("bad-0", List.of("malformed_json"), "bad-1", List.of("malformed_json")),
                ledger(1, "p/t-1")).size());
        Map<String, List<String>> extra = new HashMap<>(ONCE);
        extra.put("t-0", List.of("malformed_json"));
        assertEquals(1, failures(extra, ledger(1, "p/t-1")).size());
    }

    @Test
    @DisplayName("a label scored twice or lost, a label left waiting or a missing score fails")
    void feedbackNotExactlyOnceFails() {
        assertEquals(List.of("feedback labels scored 2 times for 1 labels sent: labels scored twice"),
                failures(ONCE, ledger(2, "p/t-1")));
        assertEquals(List.of("feedback labels scored 0 times for 1 labels sent: labels lost",
                        "predictions waiting for a label: 2, expected the 1 unlabelled targets"),
                failures(ONCE, ledger(0, "p/t-0", "p/t-1")));
        assertEquals(1, failures(ONCE, ledger(1, "p/t-1", "l/t-9")).size(), "a label waits for its prediction");
        assertEquals(List.of("no feedback score in the ledger changelog"), failures(ONCE, Map.of()));
    }

    private static final ChaosInput WITH_COMMANDS = new ChaosInput(List.of("s-0"), List.of("t-0"), Map.of(), List.of(),
            List.of("cmd-0", "cmd-1"));

    private static ControlAckMessage ack(String id, long step) {
        return new ControlAckMessage(ControlAckMessage.TYPE, id, "pause", "harness", null, null, "train.paused", false,
                true, step, true, "chaos.control", 0, 0, 0);
    }

    private static List<String> controlFailures(Map<String, List<ControlAckMessage>> acks) {
        RunOutput run = new RunOutput(Map.of(), Map.of(), Optional.empty(), Map.of(), Map.of(), List.of(), acks);
        return new ChaosVerifier(WITH_COMMANDS, 1, 1, ChaosHarness.STEPS_PER_BATCH, 4, log -> NO_REPLAY)
                .verify(run, null).failures().stream()
                .filter(f -> f.contains("control")).toList();
    }

    @Test
    @DisplayName("a control command acknowledged twice, never, or unsent fails")
    void controlNotExactlyOnceFails() {
        Map<String, List<ControlAckMessage>> once = Map.of("cmd-0", List.of(ack("cmd-0", 3)),
                "cmd-1", List.of(ack("cmd-1", 5)));
        assertEquals(List.of(), controlFailures(once));
        assertEquals(List.of("1 control commands not acknowledged exactly once, e.g. cmd-1 ×2"), controlFailures(
                Map.of("cmd-0", List.of(ack("cmd-0", 3)), "cmd-1", List.of(ack("cmd-1", 5), ack("cmd-1", 5)))));
        assertEquals(List.of("1 control commands not acknowledged exactly once, e.g. cmd-1 ×0"),
                controlFailures(Map.of("cmd-0", List.of(ack("cmd-0", 3)))));
        Map<String, List<ControlAckMessage>> extra = new HashMap<>(once);
        extra.put("cmd-9", List.of(ack("cmd-9", 1)));
        assertEquals(1, controlFailures(extra).size());
    }
}
