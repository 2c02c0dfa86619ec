package io.kadapt.monitor;

/**
 * How often two models (the served, adapted one and the source-only shadow) predicted a different class, over the
 * last {@code capacity} target samples both predicted.
 */
public final class DisagreementWindow {
    private final boolean[] disagreed;
    private long total;
    private int inWindow;

    public DisagreementWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("disagreement window must be positive: " + capacity);
        }
        this.disagreed = new boolean[capacity];
    }

    public void record(boolean different) {
        int slot = (int) (total % disagreed.length);
        if (total >= disagreed.length && disagreed[slot]) {
            inWindow--;
        }
        disagreed[slot] = different;
        if (different) {
            inWindow++;
        }
        total++;
    }

    /** Comparisons ever recorded. */
    public long total() {
        return total;
    }

    /** The fraction of the window's comparisons that disagreed; NaN before any. */
    public double ratio() {
        long n = Math.min(total, disagreed.length);
        return n == 0 ? Double.NaN : (double) inWindow / n;
    }
}
