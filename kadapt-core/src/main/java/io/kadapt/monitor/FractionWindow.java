package io.kadapt.monitor;

/**
 * The fraction of the last {@code capacity} yes/no outcomes that were yes: how often the shadow and the adapted model
 * predicted a different class, how often a fresh source sample was predicted right.
 */
public final class FractionWindow {
    private final boolean[] outcomes;
    private long total;
    private int inWindow;

    public FractionWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window must be positive: " + capacity);
        }
        this.outcomes = new boolean[capacity];
    }

    public void record(boolean yes) {
        int slot = (int) (total % outcomes.length);
        if (total >= outcomes.length && outcomes[slot]) {
            inWindow--;
        }
        outcomes[slot] = yes;
        if (yes) {
            inWindow++;
        }
        total++;
    }

    /**
     * {@code yes} outcomes out of {@code count}, recorded yes first: a batch of outcomes whose order does not matter
     * (e.g. the hits of one source batch).
     *
     * @throws IllegalArgumentException unless 0 ≤ yes ≤ count
     */
    public void record(int yes, int count) {
        if (yes < 0 || yes > count) {
            throw new IllegalArgumentException(yes + " of " + count);
        }
        for (int i = 0; i < count; i++) {
            record(i < yes);
        }
    }

    /** Outcomes ever recorded. */
    public long total() {
        return total;
    }

    /** The fraction of the window's outcomes that were yes; NaN before any. */
    public double ratio() {
        long n = Math.min(total, outcomes.length);
        return n == 0 ? Double.NaN : (double) inWindow / n;
    }
}
