package io.kadapt.stream.state;

import io.kadapt.data.Task;
import io.kadapt.training.FeedbackScore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;
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
    private static final String SCORE = "~accuracy"; // the key from before regression, so old stores restore

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

    /**
     * A prediction (class or value) was made; returns the label if it had already arrived (then the pair is scored
     * now).
     */
    public OptionalDouble predicted(String id, double predicted) {
        return matchOrWait(LABELLED + id, PREDICTED + id, predicted);
    }

    /** A label arrived; returns the prediction if it was made already. */
    public OptionalDouble labelled(String id, double label) {
        return matchOrWait(PREDICTED + id, LABELLED + id, label);
    }

    private OptionalDouble matchOrWait(String counterpartKey, String ownKey, double value) {
        byte[] counterpart = store.delete(counterpartKey);
        if (counterpart != null) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(counterpart))) {
                store.delete(sequenceKey(in.readLong()));
                return OptionalDouble.of(LabelCodec.read(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        store.put(ownKey, entry(next, value));
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
        return OptionalDouble.empty();
    }

    /** Sequence number, then the value in {@link LabelCodec}'s form (12 bytes for a class, as before regression). */
    private static byte[] entry(long sequence, double value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(12);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(sequence);
            LabelCodec.write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The feedback score of the model's task, as last saved (a fresh one at first). */
    public FeedbackScore score(Task task) {
        byte[] stored = store.get(SCORE);
        return stored == null ? FeedbackScore.forTask(task, accuracyWindow)
                : FeedbackScore.decode(task, stored, accuracyWindow);
    }

    public void saveScore(FeedbackScore score) {
        store.put(SCORE, score.encode());
    }

    private static String sequenceKey(long sequence) {
        return BY_SEQUENCE + String.format("%019d", sequence);
    }
}
