package io.kadapt.training;

import java.nio.ByteBuffer;

/**
 * Accuracy over the last {@code capacity} feedback labels, plus the all-time count of labels. A window,
 * not a lifetime average, so the metric shows adaptation as it happens.
 */
public final class AccuracyWindow implements FeedbackScore {
    private final boolean[] hits;
    private long total;
    private int correctInWindow;

    public AccuracyWindow(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("accuracy window must be positive");
        }
        this.hits = new boolean[capacity];
    }

    public void record(boolean correct) {
        int slot = (int) (total % hits.length);
        if (total >= hits.length && hits[slot]) {
            correctInWindow--;
        }
        hits[slot] = correct;
        if (correct) {
            correctInWindow++;
        }
        total++;
    }

    /** Right when the predicted class is the label. */
    @Override
    public void record(double predicted, double label) {
        record(predicted == label);
    }

    @Override
    public long total() {
        return total;
    }

    /** NaN until the first label arrives. */
    @Override
    public double accuracy() {
        long inWindow = Math.min(total, hits.length);
        return inWindow == 0 ? Double.NaN : (double) correctInWindow / inWindow;
    }

    /** Not defined for classification: NaN. */
    @Override
    public double meanAbsoluteError() {
        return Double.NaN;
    }

    /** Not defined for classification: NaN. */
    @Override
    public double rootMeanSquaredError() {
        return Double.NaN;
    }

    @Override
    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(12 + hits.length);
        buffer.putInt(hits.length).putLong(total);
        for (boolean hit : hits) {
            buffer.put((byte) (hit ? 1 : 0));
        }
        return buffer.array();
    }

    /** Restores a window; if the capacity changed, an empty window of the new capacity keeps the total. */
    public static AccuracyWindow decode(byte[] bytes, int capacity) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int storedCapacity = buffer.getInt();
        long total = buffer.getLong();
        AccuracyWindow window = new AccuracyWindow(capacity);
        if (storedCapacity == capacity) {
            for (int i = 0; i < capacity; i++) {
                window.hits[i] = buffer.get() == 1;
                if (window.hits[i] && i < total) {
                    window.correctInWindow++;
                }
            }
            window.total = total;
        }
        return window;
    }
}
