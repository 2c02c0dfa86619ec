package io.kadapt.stream.state;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The model and trainer state inside a changelogged, cached Kafka Streams store. The model bytes are
 * split into chunks so no changelog record approaches Kafka's 1 MiB record limit, whatever the layer
 * sizes. With caching, the many puts between two commits collapse into one changelog write per chunk.
 */
public final class ModelCheckpointStore {
    public static final String NAME = "kadapt-model";
    static final int CHUNK_BYTES = 256 * 1024;
    private static final String CHUNK_COUNT = "model.chunks";
    private static final String CHUNK_PREFIX = "model.";
    private static final String TRAINER = "trainer";

    private final KeyValueStore<String, byte[]> store;

    public ModelCheckpointStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** A model snapshot and trainer state that were saved together. */
    public record Checkpoint(byte[] model, byte[] trainer) {
    }

    public void save(byte[] model, byte[] trainer) {
        int chunks = Math.max(1, (model.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int i = 0; i < chunks; i++) {
            int from = i * CHUNK_BYTES;
            store.put(CHUNK_PREFIX + i, Arrays.copyOfRange(model, from, Math.min(model.length, from + CHUNK_BYTES)));
        }
        store.put(CHUNK_COUNT, Integer.toString(chunks).getBytes());
        saveTrainer(trainer);
    }

    /** Trainer state alone, when only bookkeeping changed (a dropped sample). */
    public void saveTrainer(byte[] trainer) {
        store.put(TRAINER, trainer);
    }

    public Optional<Checkpoint> load() {
        return assemble(store::get);
    }

    /**
     * Reassembles a checkpoint from the store's entries, given a lookup by key: the store itself, or the last value
     * per key read back from the changelog topic (which is how the reliability harness inspects a run's model).
     */
    public static Optional<Checkpoint> assemble(Function<String, byte[]> entries) {
        byte[] count = entries.apply(CHUNK_COUNT);
        byte[] trainer = entries.apply(TRAINER);
        if (count == null || trainer == null) {
            return Optional.empty();
        }
        int chunks = Integer.parseInt(new String(count));
        byte[][] parts = new byte[chunks][];
        int length = 0;
        for (int i = 0; i < chunks; i++) {
            parts[i] = entries.apply(CHUNK_PREFIX + i);
            if (parts[i] == null) {
                throw new IllegalStateException("model checkpoint is missing chunk " + i + " of " + chunks);
            }
            length += parts[i].length;
        }
        byte[] model = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, model, offset, part.length);
            offset += part.length;
        }
        return Optional.of(new Checkpoint(model, trainer));
    }
}
