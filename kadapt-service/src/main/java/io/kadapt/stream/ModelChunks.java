package io.kadapt.stream;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;

/**
 * How a published model travels on the model topic: its bytes cut into chunks below the record-size limit, chunk i
 * under key {@code chunk-i}, so that compaction keeps exactly the latest of each. Every chunk names its version (the
 * trainer's step and the wall-clock time of that step), its index and the chunk count; a version is complete when all of
 * its chunks are there. The trainer writes all chunks of a version in one transaction, so a read_committed reader
 * sees a version whole or not at all; without transactions a torn version is simply never complete.
 */
final class ModelChunks {
    /** Below Kafka's default 1 MiB record limit with room for the header and the record's own overhead. */
    static final int MAX_CHUNK_BYTES = 900 * 1024;
    private static final int MAGIC = 0x4b444d43; // "KDMC"
    private static final int HEADER_BYTES = 4 + 8 + 8 + 4 + 4;

    private ModelChunks() {
    }

    /** One chunk as read back. */
    record Chunk(long step, long steppedAtMs, int index, int count, byte[] payload) {
    }

    static String key(int index) {
        return "chunk-" + index;
    }

    /** The records that publish {@code model} (already encoded) as version {@code step}. */
    static List<KeyValue<String, byte[]>> split(byte[] model, long step, long steppedAtMs, int maxChunkBytes) {
        int count = Math.max(1, (model.length + maxChunkBytes - 1) / maxChunkBytes);
        List<KeyValue<String, byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * maxChunkBytes;
            int to = Math.min(model.length, from + maxChunkBytes);
            ByteBuffer value = ByteBuffer.allocate(HEADER_BYTES + to - from);
            value.putInt(MAGIC).putLong(step).putLong(steppedAtMs).putInt(i).putInt(count).put(model, from, to - from);
            records.add(KeyValue.pair(key(i), value.array()));
        }
        return records;
    }

    static Chunk parse(byte[] value) {
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a kadapt model chunk");
            }
            long step = in.getLong();
            long steppedAtMs = in.getLong();
            int index = in.getInt();
            int count = in.getInt();
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("chunk " + index + " of " + count);
            }
            return new Chunk(step, steppedAtMs, index, count, Arrays.copyOfRange(value, HEADER_BYTES, value.length));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated model chunk", e);
        }
    }

    /** A complete version: the model's bytes, its step and when that step was taken. */
    record Version(long step, long steppedAtMs, byte[] model) {
    }

    /**
     * The version {@code latest} belongs to, if every one of its chunks can be looked up by key with the same step
     * and step time.
     */
    static Optional<Version> assemble(Chunk latest, Function<String, byte[]> lookup) {
        byte[][] parts = new byte[latest.count()][];
        int length = 0;
        for (int i = 0; i < latest.count(); i++) {
            byte[] stored = lookup.apply(key(i));
            if (stored == null) {
                return Optional.empty();
            }
            Chunk chunk = parse(stored);
            if (chunk.step() != latest.step() || chunk.steppedAtMs() != latest.steppedAtMs()
                    || chunk.count() != latest.count()) {
                return Optional.empty();
            }
            parts[i] = chunk.payload();
            length += parts[i].length;
        }
        ByteBuffer model = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            model.put(part);
        }
        return Optional.of(new Version(latest.step(), latest.steppedAtMs(), model.array()));
    }
}
