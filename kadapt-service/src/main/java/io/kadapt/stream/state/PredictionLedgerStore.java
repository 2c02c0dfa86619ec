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
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Matches predictions with their late feedback labels, whichever arrives first: the three input topics are
 * read independently, so a label can be processed before its sample's prediction. The unmatched half waits
 * here. Bounded: beyond {@code capacity} waiting entries the oldest is forgotten, so a feedback topic that
 * never comes (or labels for ids never predicted) cannot grow the store without limit.
 *
 * <p>For feedback learning a waiting prediction also holds its sample's features, so that a label arriving later
 * makes a labelled sample: 4 bytes per feature per waiting prediction. From the first prediction on, not from the
 * first label: a label that comes a thousand samples late must find the features of a prediction made before any
 * label was seen (the benchmark showed that holding only after the first label threw those labels away).
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
    private final boolean holdFeatures;
    private final Runnable labelExpired;
    private long next;
    private long oldest;

    /**
     * A prediction joined with its label. {@code features}: the sample's raw features if the ledger held them (feedback
     * learning on when the prediction waited, or the label came first), else null.
     */
    public record Match(String id, double predicted, double label, float[] features) {
    }

    /**
     * @param holdFeatures whether waiting predictions keep their features (feedback learning)
     * @param labelExpired called for each waiting label forgotten before its prediction came
     */
    public PredictionLedgerStore(KeyValueStore<String, byte[]> store, int capacity, int accuracyWindow,
                                 boolean holdFeatures, Runnable labelExpired) {
        this.store = store;
        this.capacity = capacity;
        this.accuracyWindow = accuracyWindow;
        this.holdFeatures = holdFeatures;
        this.labelExpired = labelExpired;
        byte[] counters = store.get(COUNTERS);
        if (counters != null) {
            ByteBuffer buffer = ByteBuffer.wrap(counters);
            next = buffer.getLong();
            oldest = buffer.getLong();
        }
    }

    /**
     * A prediction (class or value) of the sample with these raw features was made; returns the match if its label
     * had already arrived (then the pair is scored now).
     */
    public Optional<Match> predicted(String id, double predicted, float[] features) {
        byte[] label = takeWaiting(LABELLED + id);
        if (label != null) {
            return Optional.of(new Match(id, predicted, readValue(label), holdFeatures ? features : null));
        }
        wait(PREDICTED + id, predicted, holdFeatures ? features : null);
        return Optional.empty();
    }

    /** A label arrived; returns the match if the prediction was made already. */
    public Optional<Match> labelled(String id, double label) {
        byte[] prediction = takeWaiting(PREDICTED + id);
        if (prediction != null) {
            return Optional.of(new Match(id, readValue(prediction), label, readFeatures(prediction)));
        }
        wait(LABELLED + id, label, null);
        return Optional.empty();
    }

    /** Removes and returns the waiting entry under {@code key}, or null. */
    private byte[] takeWaiting(String key) {
        byte[] entry = store.delete(key);
        if (entry != null) {
            store.delete(sequenceKey(ByteBuffer.wrap(entry).getLong()));
        }
        return entry;
    }

    private void wait(String key, double value, float[] features) {
        store.put(key, entry(next, value, features));
        store.put(sequenceKey(next), key.getBytes(StandardCharsets.UTF_8));
        next++;
        while (next - oldest > capacity) {
            byte[] evicted = store.delete(sequenceKey(oldest));
            if (evicted != null) {
                String evictedKey = new String(evicted, StandardCharsets.UTF_8);
                byte[] entry = store.get(evictedKey);
                // A re-used id may point at a newer entry: only forget the one this slot recorded.
                if (entry != null && ByteBuffer.wrap(entry).getLong() == oldest) {
                    store.delete(evictedKey);
                    if (evictedKey.startsWith(LABELLED)) {
                        labelExpired.run();
                    }
                }
            }
            oldest++;
        }
        store.put(COUNTERS, ByteBuffer.allocate(16).putLong(next).putLong(oldest).array());
    }

    /**
     * Sequence number, then the value in {@link LabelCodec}'s form (12 bytes for a class, as before regression), then,
     * if held, the feature count and the features.
     */
    private static byte[] entry(long sequence, double value, float[] features) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(features == null ? 12 : 16 + 4 * features.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(sequence);
            LabelCodec.write(out, value);
            if (features != null) {
                out.writeInt(features.length);
                for (float feature : features) {
                    out.writeFloat(feature);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static double readValue(byte[] entry) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
            in.readLong();
            return LabelCodec.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The features an entry holds, or null (an entry written without them, or by an older version). */
    private static float[] readFeatures(byte[] entry) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
            in.readLong();
            LabelCodec.read(in);
            if (in.available() == 0) {
                return null;
            }
            float[] features = new float[in.readInt()];
            for (int i = 0; i < features.length; i++) {
                features[i] = in.readFloat();
            }
            return features;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
