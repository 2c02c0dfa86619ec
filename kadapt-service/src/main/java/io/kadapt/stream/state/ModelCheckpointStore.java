package io.kadapt.stream.state;

import io.kadapt.training.OnlineTrainer;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The model, the guard's source-only shadow model (when there is one) and the trainer state inside a changelogged,
 * cached Kafka Streams store. The models' bytes are split into chunks so no changelog record approaches Kafka's 1 MiB
 * record limit, whatever the layer sizes. With caching, the many puts between two commits collapse into one changelog write per chunk.
 */
public final class ModelCheckpointStore {
    public static final String NAME = "kadapt-model";
    static final int CHUNK_BYTES = 256 * 1024;
    private static final String CHUNK_COUNT = "model.chunks";
    private static final String CHUNK_PREFIX = "model.";
    private static final String SHADOW_CHUNK_COUNT = "shadow.chunks";
    private static final String SHADOW_CHUNK_PREFIX = "shadow.";
    private static final String TRAINER = "trainer";

    private final KeyValueStore<String, byte[]> store;

    public ModelCheckpointStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /** A model snapshot, the shadow's (null without one) and trainer state that were saved together. */
    public record Checkpoint(byte[] model, byte[] trainer, byte[] shadow) {
    }

    /** The trainer's models and state, as they are now. */
    public void save(OnlineTrainer trainer) {
        save(trainer.model().snapshot().encode(), trainer.shadow().map(s -> s.snapshot().encode()).orElse(null),
                trainer.state().encode());
    }

    /** @param shadow the shadow model's snapshot, or null when there is none */
    private void save(byte[] model, byte[] shadow, byte[] trainer) {
        saveChunks(CHUNK_PREFIX, CHUNK_COUNT, model);
        if (shadow != null) {
            saveChunks(SHADOW_CHUNK_PREFIX, SHADOW_CHUNK_COUNT, shadow);
        }
        saveTrainer(trainer);
    }

    private void saveChunks(String prefix, String countKey, byte[] bytes) {
        int chunks = Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int i = 0; i < chunks; i++) {
            int from = i * CHUNK_BYTES;
            store.put(prefix + i, Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK_BYTES)));
        }
        store.put(countKey, Integer.toString(chunks).getBytes());
    }

    /**
     * The trainer state, when only bookkeeping changed (a dropped sample, a control command): the models too while the
     * store holds none yet. {@link #load} finds nothing without a model, so a state saved alone before the first step
     * (a λ set on a fresh trainer) would be lost on restart and the restored trainer would learn with other settings
     * than the one that never stopped.
     */
    public void saveState(OnlineTrainer trainer) {
        if (store.get(CHUNK_COUNT) == null) {
            save(trainer);
        } else {
            saveTrainer(trainer.state().encode());
        }
    }

    private void saveTrainer(byte[] trainer) {
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
        byte[] shadowCount = entries.apply(SHADOW_CHUNK_COUNT);
        return Optional.of(new Checkpoint(join(entries, CHUNK_PREFIX, count), trainer,
                shadowCount == null ? null : join(entries, SHADOW_CHUNK_PREFIX, shadowCount)));
    }

    private static byte[] join(Function<String, byte[]> entries, String prefix, byte[] count) {
        int chunks = Integer.parseInt(new String(count));
        byte[][] parts = new byte[chunks][];
        int length = 0;
        for (int i = 0; i < chunks; i++) {
            parts[i] = entries.apply(prefix + i);
            if (parts[i] == null) {
                throw new IllegalStateException("checkpoint is missing chunk " + prefix + i + " of " + chunks);
            }
            length += parts[i].length;
        }
        byte[] model = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, model, offset, part.length);
            offset += part.length;
        }
        return model;
    }
}
