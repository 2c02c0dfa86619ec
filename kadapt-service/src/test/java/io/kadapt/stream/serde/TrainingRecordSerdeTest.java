package io.kadapt.stream.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kadapt.data.Sample;
import io.kadapt.training.ControlCommand;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TrainingRecordSerdeTest {
    private final TrainingRecordSerde serde = new TrainingRecordSerde();

    private TrainingRecord roundTrip(TrainingRecord record) {
        return serde.deserialize("t", serde.serialize("t", record));
    }

    @Test
    @DisplayName("source samples, predicted targets and labels survive the training topic unchanged")
    void roundTrips() {
        Sample source = new Sample("s-ü1", new float[] {1.5f, -2f, Float.MIN_VALUE}, 2);
        TrainingRecord.Source s = (TrainingRecord.Source) roundTrip(new TrainingRecord.Source(source));
        assertEquals("s-ü1", s.sample().id());
        assertEquals(2.0, s.sample().label());
        assertArrayEquals(source.features(), s.sample().features());

        Sample target = new Sample("t-7", new float[] {0.25f, 3f}, Sample.NO_LABEL);
        TrainingRecord.Target t = (TrainingRecord.Target) roundTrip(new TrainingRecord.Target(target, 1.0,
                new float[] {0.25f, 0.75f}, 99));
        assertArrayEquals(new float[] {0.25f, 0.75f}, t.probabilities());
        assertEquals(null, ((TrainingRecord.Target) roundTrip(new TrainingRecord.Target(target, 2.5, null, 1)))
                .probabilities(), "regression: no probabilities");
        assertEquals("t-7", t.sample().id());
        assertEquals(Double.NaN, t.sample().label());
        assertArrayEquals(target.features(), t.sample().features());
        assertEquals(1.0, t.predicted());
        assertEquals(99, t.modelStep());

        assertEquals(new TrainingRecord.Feedback("t-7", -0.5), roundTrip(new TrainingRecord.Feedback("t-7", -0.5)));
    }

    @Test
    @DisplayName("control commands survive the training topic with their audit fields and origin, every kind")
    void controlRoundTrips() {
        for (ControlCommand command : new ControlCommand[] {new ControlCommand.SetLambda("mmd", 0.25),
                new ControlCommand.SetLearningRate(5e-4), new ControlCommand.Pause(), new ControlCommand.Resume(),
                new ControlCommand.Snapshot()}) {
            TrainingRecord.Control control = new TrainingRecord.Control("c-ü7", command, "alice", "less alignment",
                    "kadapt.control", 3, 1L << 40);
            assertEquals(control, roundTrip(control), command.name());
        }
        TrainingRecord.Control noNote = new TrainingRecord.Control("c-8", new ControlCommand.Pause(), "ops-bot", null,
                "kadapt.control", 0, 0);
        assertEquals(noNote, roundTrip(noNote), "no note");
        byte[] bytes = serde.serialize("t", noNote);
        assertThrows(SerializationException.class, () -> serde.deserialize("t", Arrays.copyOf(bytes, bytes.length - 1)));
    }

    @Test
    @DisplayName("truncated or unknown records fail as serialization errors")
    void corruptRecords() {
        byte[] bytes = serde.serialize("t", new TrainingRecord.Source(new Sample("s", new float[] {1, 2}, 0)));
        assertThrows(SerializationException.class, () -> serde.deserialize("t", Arrays.copyOf(bytes, bytes.length - 1)));
        byte[] unknown = bytes.clone();
        unknown[0] = 9;
        assertThrows(SerializationException.class, () -> serde.deserialize("t", unknown));
    }
}
