package io.kadapt.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * Maps a file's label values to kadapt's class indices 0..C-1 in sorted order (MNIST/USPS use 1..10, for
 * instance), so a file's labels never have to be rewritten by hand.
 */
public record LabelIndex(List<Integer> values) {

    public static LabelIndex of(SortedSet<Integer> labels) {
        return new LabelIndex(List.copyOf(new ArrayList<>(labels)));
    }

    public int classes() {
        return values.size();
    }

    public int indexOf(int label) {
        int index = values.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException("label " + label + " does not occur in the source data " + values);
        }
        return index;
    }
}
