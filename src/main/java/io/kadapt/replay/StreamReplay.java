package io.kadapt.replay;

import io.kadapt.client.PredictionReader;
import io.kadapt.client.SampleProducer;
import io.kadapt.stream.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams a source and a target dataset into kadapt's topics, interleaved in proportion so both finish
 * together, and waits for the prediction of every target sample. Target labels are withheld; with
 * feedback on, each is sent late, {@code feedbackLag} target samples after its sample.
 */
public final class StreamReplay {
    private final String bootstrapServers;
    private final Topics topics;
    private final boolean feedback;
    private final int feedbackLag;
    private final Duration timeout;

    public StreamReplay(String bootstrapServers, Topics topics, boolean feedback, int feedbackLag, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.feedback = feedback;
        this.feedbackLag = feedbackLag;
        this.timeout = timeout;
    }

    public ReplayResult run(LabelledDataset sourceData, LabelledDataset targetData, LabelIndex labels, long seed) {
        List<LabelledDataset.Row> source = sourceData.shuffled(seed);
        List<LabelledDataset.Row> target = targetData.shuffled(seed + 1);
        // Ids unique to this run, so predictions of earlier runs on the same cluster are not counted.
        String runId = Long.toHexString(new java.util.Random().nextLong() & 0xffffffffL);
        Map<String, Integer> truth = new HashMap<>();
        long started = System.nanoTime();
        try (SampleProducer producer = new SampleProducer(bootstrapServers, topics)) {
            ArrayDeque<String> awaitingFeedback = new ArrayDeque<>();
            int s = 0;
            int t = 0;
            while (s < source.size() || t < target.size()) {
                boolean sourceTurn = t >= target.size()
                        || (s < source.size() && (double) s / source.size() <= (double) t / target.size());
                if (sourceTurn) {
                    LabelledDataset.Row row = source.get(s);
                    producer.source(runId + "-s-" + s, row.features(), labels.indexOf(row.label()));
                    s++;
                } else {
                    LabelledDataset.Row row = target.get(t);
                    String id = runId + "-t-" + t;
                    truth.put(id, labels.indexOf(row.label()));
                    producer.target(id, row.features());
                    awaitingFeedback.addLast(id);
                    t++;
                    if (feedback && awaitingFeedback.size() > feedbackLag) {
                        String due = awaitingFeedback.removeFirst();
                        producer.feedback(due, truth.get(due));
                    }
                }
            }
            while (feedback && !awaitingFeedback.isEmpty()) {
                String due = awaitingFeedback.removeFirst();
                producer.feedback(due, truth.get(due));
            }
            producer.flush();
        }
        return collect(truth, started);
    }

    private ReplayResult collect(Map<String, Integer> truth, long started) {
        Map<String, Integer> predicted = new HashMap<>();
        int[] duplicates = {0};
        long[] lastStep = {0};
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PredictionReader reader = new PredictionReader(bootstrapServers, topics.predictions())) {
            while (predicted.size() < truth.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + predicted.size() + " of " + truth.size()
                            + " predictions after " + timeout);
                }
                reader.poll(Duration.ofMillis(500), prediction -> {
                    if (truth.containsKey(prediction.id()) && predicted.put(prediction.id(), prediction.predicted()) != null) {
                        duplicates[0]++;
                    }
                    lastStep[0] = Math.max(lastStep[0], prediction.modelStep());
                });
            }
        }
        int correct = 0;
        for (var entry : predicted.entrySet()) {
            if (entry.getValue().equals(truth.get(entry.getKey()))) {
                correct++;
            }
        }
        return new ReplayResult(truth.size(), correct, duplicates[0], lastStep[0], (System.nanoTime() - started) / 1e9);
    }
}
