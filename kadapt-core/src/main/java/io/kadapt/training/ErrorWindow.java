package io.kadapt.training;

import java.nio.ByteBuffer;

/** Regression errors (prediction − label) of the last {@code capacity} feedback labels, plus the all-time count. */
public final class ErrorWindow implements FeedbackScore {
    private final double[] errors;
    private long total;
    private long windowStart; // total when this window began: a restore with another capacity starts it afresh

    public ErrorWindow(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("error window must be positive");
        }
        this.errors = new double[capacity];
    }

    @Override
    public void record(double predicted, double label) {
        errors[(int) ((total - windowStart) % errors.length)] = predicted - label;
        total++;
    }

    @Override
    public long total() {
        return total;
    }

    /** Not defined for regression: NaN. */
    @Override
    public double accuracy() {
        return Double.NaN;
    }

    @Override
    public double meanAbsoluteError() {
        int n = inWindow();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += Math.abs(errors[i]);
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public double rootMeanSquaredError() {
        int n = inWindow();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += errors[i] * errors[i];
        }
        return n == 0 ? Double.NaN : Math.sqrt(sum / n);
    }

    /** Summed afresh on every read rather than kept as running sums, which would drift by rounding. */
    private int inWindow() {
        return (int) Math.min(total - windowStart, errors.length);
    }

    @Override
    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(20 + 8 * errors.length);
        buffer.putInt(errors.length).putLong(total).putLong(windowStart);
        for (double error : errors) {
            buffer.putDouble(error);
        }
        return buffer.array();
    }

    static ErrorWindow decode(byte[] bytes, int capacity) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int storedCapacity = buffer.getInt();
        ErrorWindow window = new ErrorWindow(capacity);
        window.total = buffer.getLong();
        window.windowStart = buffer.getLong();
        if (storedCapacity == capacity) {
            for (int i = 0; i < capacity; i++) {
                window.errors[i] = buffer.getDouble();
            }
        } else {
            window.windowStart = window.total;
        }
        return window;
    }
}
