package io.kadapt.stream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.training.ControlCommand;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Control commands are parsed into the core's commands, or rejected with the reason the dead letter carries. */
@Tag("unit")
class ControlDeserializerTest {
    private final ControlDeserializer deserializer = new ControlDeserializer(Set.of("mmd", "coral"));

    private InboundRecord read(String json) {
        return deserializer.deserialize("kadapt.control", json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("each command parses, with its id, issuer and note")
    void parsesEveryCommand() {
        Map<String, ControlCommand> expected = Map.of(
                "{\"id\":\"c1\",\"command\":\"set-lambda\",\"term\":\"coral\",\"value\":0.5,\"by\":\"alice\"}",
                new ControlCommand.SetLambda("coral", 0.5),
                "{\"id\":\"c1\",\"command\":\"set-lambda\",\"term\":\"mmd\",\"value\":0,\"by\":\"alice\"}",
                new ControlCommand.SetLambda("mmd", 0),
                "{\"id\":\"c1\",\"command\":\"set-learning-rate\",\"value\":1e-4,\"by\":\"alice\"}",
                new ControlCommand.SetLearningRate(1e-4),
                "{\"id\":\"c1\",\"command\":\"pause\",\"by\":\"alice\"}", new ControlCommand.Pause(),
                "{\"id\":\"c1\",\"command\":\"resume\",\"by\":\"alice\"}", new ControlCommand.Resume(),
                "{\"id\":\"c1\",\"command\":\"snapshot\",\"by\":\"alice\",\"extra\":1}", new ControlCommand.Snapshot());
        expected.forEach((json, command) -> {
            InboundRecord.Control control = assertInstanceOf(InboundRecord.Control.class, read(json), json);
            assertEquals(command, control.command(), json);
            assertEquals("c1", control.id());
            assertEquals("alice", control.issuedBy());
        });
        InboundRecord.Control noted = (InboundRecord.Control) read(
                "{\"id\":\"c2\",\"command\":\"pause\",\"by\":\"ops-bot\",\"note\":\"broker maintenance\"}");
        assertEquals("broker maintenance", noted.note());
    }

    @Test
    @DisplayName("invalid commands are rejected with a reason, never thrown")
    void rejectsInvalidCommands() {
        Map<String, RejectReason> bad = new java.util.LinkedHashMap<>();
        bad.put(null, RejectReason.MALFORMED_JSON);
        bad.put("{\"id\":\"c\",broken", RejectReason.MALFORMED_JSON);
        bad.put("{\"id\":\"c\",\"command\":\"set-lambda\",\"term\":\"mmd\",\"value\":\"0.5\",\"by\":\"a\"}",
                RejectReason.MALFORMED_JSON);
        bad.put("{\"command\":\"pause\",\"by\":\"a\"}", RejectReason.MISSING_ID);
        bad.put("{\"id\":\" \",\"command\":\"pause\",\"by\":\"a\"}", RejectReason.MISSING_ID);
        bad.put("{\"id\":\"c\",\"command\":\"pause\"}", RejectReason.MISSING_ISSUER);
        bad.put("{\"id\":\"c\",\"command\":\"restart\",\"by\":\"a\"}", RejectReason.UNKNOWN_COMMAND);
        bad.put("{\"id\":\"c\",\"by\":\"a\"}", RejectReason.UNKNOWN_COMMAND);
        bad.put("{\"id\":\"c\",\"command\":\"set-lambda\",\"term\":\"dann\",\"value\":1,\"by\":\"a\"}",
                RejectReason.UNKNOWN_TERM);
        bad.put("{\"id\":\"c\",\"command\":\"set-lambda\",\"value\":1,\"by\":\"a\"}", RejectReason.UNKNOWN_TERM);
        bad.put("{\"id\":\"c\",\"command\":\"set-lambda\",\"term\":\"mmd\",\"by\":\"a\"}",
                RejectReason.INVALID_COMMAND_VALUE);
        bad.put("{\"id\":\"c\",\"command\":\"set-lambda\",\"term\":\"mmd\",\"value\":-1,\"by\":\"a\"}",
                RejectReason.INVALID_COMMAND_VALUE);
        bad.put("{\"id\":\"c\",\"command\":\"set-lambda\",\"term\":\"mmd\",\"value\":NaN,\"by\":\"a\"}",
                RejectReason.INVALID_COMMAND_VALUE);
        bad.put("{\"id\":\"c\",\"command\":\"set-learning-rate\",\"value\":0,\"by\":\"a\"}",
                RejectReason.INVALID_COMMAND_VALUE);
        bad.put("{\"id\":\"c\",\"command\":\"set-learning-rate\",\"value\":Infinity,\"by\":\"a\"}",
                RejectReason.INVALID_COMMAND_VALUE);
        bad.forEach((json, reason) -> {
            InboundRecord.Rejected rejected = assertInstanceOf(InboundRecord.Rejected.class, read(json), json);
            assertEquals(reason, rejected.reason(), json + ": " + rejected.detail());
        });
    }
}
