package io.kadapt.monitor;

/**
 * The last {@code capacity} rows of a fixed width, in one preallocated ring; adding copies the row (the caller's
 * array may be reused). Row 0 is the oldest held.
 */
final class RowWindow {
    private final double[][] rows;
    private final int width;
    private long added;

    RowWindow(int capacity, int width) {
        if (capacity < 1 || width < 1) {
            throw new IllegalArgumentException("window capacity and row width must be positive: " + capacity
                    + ", " + width);
        }
        this.rows = new double[capacity][width];
        this.width = width;
    }

    void add(float[] row) {
        if (row.length != width) {
            throw new IllegalArgumentException("row of " + row.length + " values, window of width " + width);
        }
        double[] slot = rows[(int) (added % rows.length)];
        for (int i = 0; i < width; i++) {
            slot[i] = row[i];
        }
        added++;
    }

    int size() {
        return (int) Math.min(added, rows.length);
    }

    boolean full() {
        return added >= rows.length;
    }

    int capacity() {
        return rows.length;
    }

    int width() {
        return width;
    }

    /** Rows ever added, including those the window has dropped. */
    long added() {
        return added;
    }

    /** The i-th oldest row held; a view, not a copy. */
    double[] row(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException(i);
        }
        long first = added - size();
        return rows[(int) ((first + i) % rows.length)];
    }
}
