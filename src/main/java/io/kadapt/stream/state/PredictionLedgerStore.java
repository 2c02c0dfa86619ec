package io.kadapt.stream.state;

import io.kadapt.training.AccuracyWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Remembers the predicted class of recent target samples so late feedback labels can be scored, and the
 * accuracy window built from them. Bounded: beyond {@code capacity} predictions the oldest is forgotten,
 * so a feedback topic that never comes cannot grow the store without limit.
 */
public final class PredictionLedgerStore {
    public static final String NAME = "kadapt-prediction-ledger";
    private static final String BY_ID = "id/";
    private static final String BY_SEQUENCE = "seq/";
    private static final String COUNTERS = "~counters";
    private static final String ACCURACY = "~accuracy";

    private final KeyValueStore<String, byte[]> store;
    private final int capacity;
    private final int accuracyWindow;
    private long next;
    private long oldest;

    public PredictionLedgerStore(KeyValueStore<String, byte[]> store, int capacity, int accuracyWindow) {
        this.store = store;
        this.capacity = capacity;
        this.accuracyWindow = accuracyWindow;
        byte[] counters = store.get(COUNTERS);
        if (counters != null) {
            ByteBuffer buffer = ByteBuffer.wrap(counters);
            next = buffer.getLong();
            oldest = buffer.getLong();
        }
    }

    public void remember(String id, int predictedClass) {
        store.put(BY_ID + id, ByteBuffer.allocate(12).putLong(next).putInt(predictedClass).array());
        store.put(sequenceKey(next), id.getBytes(StandardCharsets.UTF_8));
        next++;
        while (next - oldest > capacity) {
            byte[] evicted = store.delete(sequenceKey(oldest));
            if (evicted != null) {
                String evictedId = new String(evicted, StandardCharsets.UTF_8);
                byte[] entry = store.get(BY_ID + evictedId);
                // A re-used id may point at a newer prediction: only forget the one this slot recorded.
                if (entry != null && ByteBuffer.wrap(entry).getLong() == oldest) {
                    store.delete(BY_ID + evictedId);
                }
            }
            oldest++;
        }
        store.put(COUNTERS, ByteBuffer.allocate(16).putLong(next).putLong(oldest).array());
    }

    /** The predicted class for this id, forgetting it: each prediction is scored once. */
    public OptionalInt take(String id) {
        byte[] entry = store.delete(BY_ID + id);
        if (entry == null) {
            return OptionalInt.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(entry);
        store.delete(sequenceKey(buffer.getLong()));
        return OptionalInt.of(buffer.getInt());
    }

    public AccuracyWindow accuracy() {
        byte[] stored = store.get(ACCURACY);
        return stored == null ? new AccuracyWindow(accuracyWindow) : AccuracyWindow.decode(stored, accuracyWindow);
    }

    public void saveAccuracy(AccuracyWindow window) {
        store.put(ACCURACY, window.encode());
    }

    private static String sequenceKey(long sequence) {
        return BY_SEQUENCE + String.format("%019d", sequence);
    }
}
