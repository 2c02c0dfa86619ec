package io.kadapt.stream.serde;

import io.kadapt.data.Sample;
import io.kadapt.training.ControlCommand;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The training topic's binary format (kadapt writes and reads it; users never do): a kind byte (source, target,
 * feedback, control), the id, then the kind's fields; features as big-endian floats. Binary rather than JSON
 * because every valid input record crosses it once more.
 */
public final class TrainingRecordSerde implements Serializer<TrainingRecord>, Deserializer<TrainingRecord> {
    private static final byte SOURCE = 1;
    private static final byte TARGET = 2;
    private static final byte FEEDBACK = 3;
    private static final byte CONTROL = 4;

    @Override
    public byte[] serialize(String topic, TrainingRecord record) {
        if (record == null) {
            return null;
        }
        if (record instanceof TrainingRecord.Source source) {
            return sample(SOURCE, source.sample(), 0).array();
        }
        if (record instanceof TrainingRecord.Target target) {
            float[] probabilities = target.probabilities() == null ? new float[0] : target.probabilities();
            ByteBuffer out = sample(TARGET, target.sample(), 8 + 8 + 4 + 4 * probabilities.length)
                    .putDouble(target.predicted()).putLong(target.modelStep()).putInt(probabilities.length);
            for (float p : probabilities) {
                out.putFloat(p);
            }
            return out.array();
        }
        if (record instanceof TrainingRecord.Control control) {
            return control(control);
        }
        TrainingRecord.Feedback feedback = (TrainingRecord.Feedback) record;
        byte[] id = feedback.id().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + id.length + 8).put(FEEDBACK).putInt(id.length).put(id)
                .putDouble(feedback.label()).array();
    }

    /**
     * A control record: the id, the command's name, its term (or none) and value (NaN when it has none), then by,
     * note (or none), and the control topic, partition and offset.
     */
    private static byte[] control(TrainingRecord.Control control) {
        ControlCommand command = control.command();
        String term = command instanceof ControlCommand.SetLambda setLambda ? setLambda.term() : null;
        double value = command instanceof ControlCommand.SetLambda setLambda ? setLambda.lambda()
                : command instanceof ControlCommand.SetLearningRate setRate ? setRate.learningRate() : Double.NaN;
        byte[][] strings = {utf8(control.id()), utf8(command.name()), utf8(term), utf8(control.issuedBy()),
                utf8(control.note()), utf8(control.topic())};
        int size = 1 + 8 + 4 + 8;
        for (byte[] string : strings) {
            size += 4 + (string == null ? 0 : string.length);
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(CONTROL);
        putString(out, strings[0]);
        putString(out, strings[1]);
        putString(out, strings[2]);
        out.putDouble(value);
        putString(out, strings[3]);
        putString(out, strings[4]);
        putString(out, strings[5]);
        return out.putInt(control.partition()).putLong(control.offset()).array();
    }

    private static byte[] utf8(String string) {
        return string == null ? null : string.getBytes(StandardCharsets.UTF_8);
    }

    /** Length-prefixed; length -1 for null. */
    private static void putString(ByteBuffer out, byte[] string) {
        if (string == null) {
            out.putInt(-1);
        } else {
            out.putInt(string.length).put(string);
        }
    }

    private static String nullableString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static TrainingRecord.Control control(String id, ByteBuffer in) {
        String name = id(in);
        String term = nullableString(in);
        double value = in.getDouble();
        ControlCommand command = switch (name) {
            case "set-lambda" -> new ControlCommand.SetLambda(term, value);
            case "set-learning-rate" -> new ControlCommand.SetLearningRate(value);
            case "pause" -> new ControlCommand.Pause();
            case "resume" -> new ControlCommand.Resume();
            case "snapshot" -> new ControlCommand.Snapshot();
            default -> throw new SerializationException("unknown control command " + name);
        };
        String issuedBy = nullableString(in);
        String note = nullableString(in);
        String topic = nullableString(in);
        return new TrainingRecord.Control(id, command, issuedBy, note, topic, in.getInt(), in.getLong());
    }

    private static ByteBuffer sample(byte kind, Sample sample, int extra) {
        byte[] id = sample.id().getBytes(StandardCharsets.UTF_8);
        float[] features = sample.features();
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + id.length + 8 + 4 + 4 * features.length + extra);
        out.put(kind).putInt(id.length).put(id).putDouble(sample.label()).putInt(features.length);
        out.asFloatBuffer().put(features);
        out.position(out.position() + 4 * features.length);
        return out;
    }

    @Override
    public TrainingRecord deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte kind = in.get();
            String id = id(in);
            return switch (kind) {
                case SOURCE -> new TrainingRecord.Source(sample(id, in));
                case TARGET -> target(sample(id, in), in);
                case FEEDBACK -> new TrainingRecord.Feedback(id, in.getDouble());
                case CONTROL -> control(id, in);
                default -> throw new SerializationException("unknown training record kind " + kind);
            };
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new SerializationException("corrupt training record on " + topic, e);
        }
    }

    private static TrainingRecord.Target target(Sample sample, ByteBuffer in) {
        double predicted = in.getDouble();
        long modelStep = in.getLong();
        float[] probabilities = new float[in.getInt()];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = in.getFloat();
        }
        return new TrainingRecord.Target(sample, predicted, probabilities.length == 0 ? null : probabilities,
                modelStep);
    }

    private static String id(ByteBuffer in) {
        byte[] id = new byte[in.getInt()];
        in.get(id);
        return new String(id, StandardCharsets.UTF_8);
    }

    private static Sample sample(String id, ByteBuffer in) {
        double label = in.getDouble();
        float[] features = new float[in.getInt()];
        in.asFloatBuffer().get(features);
        in.position(in.position() + 4 * features.length);
        return new Sample(id, features, label);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
