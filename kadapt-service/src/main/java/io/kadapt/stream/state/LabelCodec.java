package io.kadapt.stream.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A label (or predicted class or value) inside kadapt's stores. A class index is one int, as it was before
 * regression existed, so classification stores keep their bytes and old stores still read; "no label" (NaN) is −1,
 * as before; any other value is the marker {@link Integer#MIN_VALUE}, which no older store holds, then the double.
 */
final class LabelCodec {
    private static final int NO_LABEL = -1;
    private static final int VALUE_FOLLOWS = Integer.MIN_VALUE;

    private LabelCodec() {
    }

    static void write(DataOutput out, double label) throws IOException {
        if (Double.isNaN(label)) {
            out.writeInt(NO_LABEL);
        } else if (label >= 0 && label <= Integer.MAX_VALUE && label == Math.rint(label)) {
            out.writeInt((int) label);
        } else {
            out.writeInt(VALUE_FOLLOWS);
            out.writeDouble(label);
        }
    }

    static double read(DataInput in) throws IOException {
        int head = in.readInt();
        if (head == NO_LABEL) {
            return Double.NaN;
        }
        return head == VALUE_FOLLOWS ? in.readDouble() : head;
    }
}
