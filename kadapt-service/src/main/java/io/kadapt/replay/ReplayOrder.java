package io.kadapt.replay;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.SplittableRandom;

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

    /**
     * Which target labels are sent on the feedback topic, and how late: each target's with probability
     * {@code fraction} (a seeded draw, the same for every method of a seed), {@code lag} target samples after it.
     */
    public record Feedback(double fraction, int lag) {
        public static final Feedback NONE = new Feedback(0, 0);

        public Feedback {
            if (!(fraction >= 0 && fraction <= 1) || lag < 0) {
                throw new IllegalArgumentException("feedback fraction must be in [0, 1] and lag >= 0");
            }
        }

        /** Every target's label, {@code lag} target samples late. */
        public static Feedback all(int lag) {
            return new Feedback(1.0, lag);
        }
    }

    public static ReplayOrder of(LabelledDataset sourceData, LabelledDataset targetData, LabelIndex labels, long seed,
                                 String idPrefix, boolean feedback, int feedbackLag) {
        return of(sourceData, targetData, labels, seed, idPrefix, feedback ? Feedback.all(feedbackLag) : Feedback.NONE);
    }

    public static ReplayOrder of(LabelledDataset sourceData, LabelledDataset targetData, LabelIndex labels, long seed,
                                 String idPrefix, Feedback feedback) {
        SplittableRandom labelDraw = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 3);
        List<LabelledDataset.Row> source = sourceData.shuffled(seed);
        List<LabelledDataset.Row> target = targetData.shuffled(seed + 1);
        List<Entry> entries = new ArrayList<>(source.size() + 2 * target.size());
        // null: a target whose label is never sent (a LinkedList holds nulls, an ArrayDeque does not)
        LinkedList<Entry> awaitingFeedback = new LinkedList<>();
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
                // A label withheld for good still holds its place in the lag, so every label sent is lag targets late.
                awaitingFeedback.addLast(labelDraw.nextDouble() < feedback.fraction() ? sample : null);
                t++;
                if (awaitingFeedback.size() > feedback.lag()) {
                    sendFeedback(entries, awaitingFeedback.removeFirst());
                }
            }
        }
        while (!awaitingFeedback.isEmpty()) {
            sendFeedback(entries, awaitingFeedback.removeFirst());
        }
        return new ReplayOrder(List.copyOf(entries), target.size());
    }

    private static void sendFeedback(List<Entry> entries, Entry labelled) {
        if (labelled != null) {
            entries.add(new Entry(Kind.FEEDBACK, labelled.id(), null, labelled.label()));
        }
    }

    /** The target samples in stream order, with their withheld labels. */
    public List<Entry> targets() {
        return entries.stream().filter(e -> e.kind() == Kind.TARGET).toList();
    }
}
