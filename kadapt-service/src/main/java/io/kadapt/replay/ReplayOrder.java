package io.kadapt.replay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The one order in which a replay sends its records: source and target rows shuffled by the seed, interleaved
 * in proportion so both finish together, each target label (with feedback on) sent {@code feedbackLag} target
 * samples late. Every record has its place in the order, and senders give record i the timestamp
 * {@code base + i}: Kafka Streams picks the input partition whose head record has the smallest timestamp, so
 * a broker that already holds the records processes them in this order, the same order a
 * {@code TopologyTestDriver} is piped.
 */
public record ReplayOrder(List<Entry> entries, int targetSamples) {

    /** What one record is. */
    public enum Kind { SOURCE, TARGET, FEEDBACK }

    /**
     * One record: {@code label} is the class index (for a target sample, its withheld truth, never sent with
     * it); {@code features} is null for feedback.
     */
    public record Entry(Kind kind, String id, float[] features, int label) {
    }

    public static ReplayOrder of(LabelledDataset sourceData, LabelledDataset targetData, LabelIndex labels, long seed,
                                 String idPrefix, boolean feedback, int feedbackLag) {
        List<LabelledDataset.Row> source = sourceData.shuffled(seed);
        List<LabelledDataset.Row> target = targetData.shuffled(seed + 1);
        List<Entry> entries = new ArrayList<>(source.size() + 2 * target.size());
        ArrayDeque<Entry> awaitingFeedback = new ArrayDeque<>();
        int s = 0;
        int t = 0;
        while (s < source.size() || t < target.size()) {
            boolean sourceTurn = t >= target.size()
                    || (s < source.size() && (double) s / source.size() <= (double) t / target.size());
            if (sourceTurn) {
                LabelledDataset.Row row = source.get(s);
                entries.add(new Entry(Kind.SOURCE, idPrefix + "s-" + s, row.features(), labels.indexOf(row.label())));
                s++;
            } else {
                LabelledDataset.Row row = target.get(t);
                Entry sample = new Entry(Kind.TARGET, idPrefix + "t-" + t, row.features(), labels.indexOf(row.label()));
                entries.add(sample);
                awaitingFeedback.addLast(sample);
                t++;
                if (feedback && awaitingFeedback.size() > feedbackLag) {
                    entries.add(feedbackFor(awaitingFeedback.removeFirst()));
                }
            }
        }
        while (feedback && !awaitingFeedback.isEmpty()) {
            entries.add(feedbackFor(awaitingFeedback.removeFirst()));
        }
        return new ReplayOrder(List.copyOf(entries), target.size());
    }

    private static Entry feedbackFor(Entry sample) {
        return new Entry(Kind.FEEDBACK, sample.id(), null, sample.label());
    }

    /** The target samples in stream order, with their withheld labels. */
    public List<Entry> targets() {
        return entries.stream().filter(e -> e.kind() == Kind.TARGET).toList();
    }
}
