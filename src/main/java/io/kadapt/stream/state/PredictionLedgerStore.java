package io.kadapt.stream.state;

import io.kadapt.training.AccuracyWindow;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Matches predictions with their late feedback labels, whichever arrives first: the three input topics are
 * read independently, so a label can be processed before its sample's prediction. The unmatched half waits
 * here. Bounded: beyond {@code capacity} waiting entries the oldest is forgotten, so a feedback topic that
 * never comes (or labels for ids never predicted) cannot grow the store without limit.
 */
public final class PredictionLedgerStore {
    public static final String NAME = "kadapt-prediction-ledger";
    private static final String PREDICTED = "p/";
    private static final String LABELLED = "l/";
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

    /** A prediction was made; returns the label if it had already arrived (then the pair is scored now). */
    public OptionalInt predicted(String id, int predictedClass) {
        return matchOrWait(LABELLED + id, PREDICTED + id, predictedClass);
    }

    /** A label arrived; returns the predicted class if the prediction was made already. */
    public OptionalInt labelled(String id, int label) {
        return matchOrWait(PREDICTED + id, LABELLED + id, label);
    }

    private OptionalInt matchOrWait(String counterpartKey, String ownKey, int value) {
        byte[] counterpart = store.delete(counterpartKey);
        if (counterpart != null) {
            ByteBuffer buffer = ByteBuffer.wrap(counterpart);
            store.delete(sequenceKey(buffer.getLong()));
            return OptionalInt.of(buffer.getInt());
        }
        store.put(ownKey, ByteBuffer.allocate(12).putLong(next).putInt(value).array());
        store.put(sequenceKey(next), ownKey.getBytes(StandardCharsets.UTF_8));
        next++;
        while (next - oldest > capacity) {
            byte[] evicted = store.delete(sequenceKey(oldest));
            if (evicted != null) {
                String evictedKey = new String(evicted, StandardCharsets.UTF_8);
                byte[] entry = store.get(evictedKey);
                // A re-used id may point at a newer entry: only forget the one this slot recorded.
                if (entry != null && ByteBuffer.wrap(entry).getLong() == oldest) {
                    store.delete(evictedKey);
                }
            }
            oldest++;
        }
        store.put(COUNTERS, ByteBuffer.allocate(16).putLong(next).putLong(oldest).array());
        return OptionalInt.empty();
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
