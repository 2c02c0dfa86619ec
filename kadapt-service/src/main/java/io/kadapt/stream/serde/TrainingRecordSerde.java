package io.kadapt.stream.serde;

import io.kadapt.data.Sample;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The training topic's binary format (kadapt writes and reads it; users never do): a kind byte, the id, then the
 * kind's fields; features as big-endian floats. Binary rather than JSON because every valid input record crosses it
 * once more.
 */
public final class TrainingRecordSerde implements Serializer<TrainingRecord>, Deserializer<TrainingRecord> {
    private static final byte SOURCE = 1;
    private static final byte TARGET = 2;
    private static final byte FEEDBACK = 3;

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
        TrainingRecord.Feedback feedback = (TrainingRecord.Feedback) record;
        byte[] id = feedback.id().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + id.length + 8).put(FEEDBACK).putInt(id.length).put(id)
                .putDouble(feedback.label()).array();
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
