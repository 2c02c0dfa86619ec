package io.kadapt.replay;

import io.kadapt.client.PredictionReader;
import io.kadapt.client.SampleProducer;
import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.PredictionMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams a source and a target dataset into kadapt's topics in a {@link ReplayOrder} (interleaved in proportion,
 * record i stamped {@code start + i}) and waits for the prediction of every target sample. Target labels are
 * withheld; with feedback on, each is sent late, {@code feedbackLag} target samples after its sample.
 */
public final class StreamReplay {
    private final String bootstrapServers;
    private final Topics topics;
    private final boolean feedback;
    private final int feedbackLag;
    private final Duration timeout;
    /** Predictions of an id seen again by the last {@link #awaitPredictions} (redelivery would show here). */
    private int duplicates;

    public StreamReplay(String bootstrapServers, Topics topics, boolean feedback, int feedbackLag, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.feedback = feedback;
        this.feedbackLag = feedbackLag;
        this.timeout = timeout;
    }

    public ReplayResult run(LabelledDataset sourceData, LabelledDataset targetData, LabelIndex labels, long seed) {
        // Ids unique to this run, so predictions of earlier runs on the same cluster are not counted.
        String runId = Long.toHexString(new java.util.Random().nextLong() & 0xffffffffL);
        ReplayOrder order = order(sourceData, targetData, labels, seed, runId + "-");
        long started = System.nanoTime();
        produce(order);
        return score(order, awaitPredictions(order), started);
    }

    public ReplayOrder order(LabelledDataset sourceData, LabelledDataset targetData, LabelIndex labels, long seed,
                             String idPrefix) {
        return ReplayOrder.of(sourceData, targetData, labels, seed, idPrefix, feedback, feedbackLag);
    }

    /**
     * Sends every record of the order, record i with timestamp {@code start + i}: strictly increasing, so Kafka
     * Streams, choosing among its input partitions by head timestamp, keeps the order whenever it has records of
     * both topics in hand. (Records run ahead of the wall clock by at most the record count in milliseconds.)
     */
    public void produce(ReplayOrder order) {
        long start = System.currentTimeMillis();
        try (SampleProducer producer = new SampleProducer(bootstrapServers, topics)) {
            long i = 0;
            for (ReplayOrder.Entry entry : order.entries()) {
                long timestamp = start + i++;
                switch (entry.kind()) {
                    case SOURCE -> producer.source(entry.id(), entry.features(), entry.label(), timestamp);
                    case TARGET -> producer.target(entry.id(), entry.features(), timestamp);
                    case FEEDBACK -> producer.feedback(entry.id(), entry.label(), timestamp);
                }
            }
            producer.flush();
        }
    }

    /** Reads committed predictions until every target sample of the order has one (the first one per id counts). */
    public Map<String, PredictionMessage> awaitPredictions(ReplayOrder order) {
        Map<String, Integer> truth = truth(order);
        Map<String, PredictionMessage> predicted = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        duplicates = 0;
        try (PredictionReader reader = new PredictionReader(bootstrapServers, topics.predictions())) {
            while (predicted.size() < truth.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + predicted.size() + " of " + truth.size()
                            + " predictions after " + timeout);
                }
                reader.poll(Duration.ofMillis(500), prediction -> {
                    if (truth.containsKey(prediction.id()) && predicted.putIfAbsent(prediction.id(), prediction) != null) {
                        duplicates++;
                    }
                });
            }
        }
        return predicted;
    }

    private ReplayResult score(ReplayOrder order, Map<String, PredictionMessage> predicted, long started) {
        Map<String, Integer> truth = truth(order);
        int correct = 0;
        long lastStep = 0;
        for (PredictionMessage prediction : predicted.values()) {
            if (prediction.predicted() == truth.get(prediction.id())) {
                correct++;
            }
            lastStep = Math.max(lastStep, prediction.modelStep());
        }
        return new ReplayResult(truth.size(), correct, duplicates, lastStep, (System.nanoTime() - started) / 1e9);
    }

    private static Map<String, Integer> truth(ReplayOrder order) {
        Map<String, Integer> truth = new HashMap<>();
        order.targets().forEach(entry -> truth.put(entry.id(), entry.label()));
        return truth;
    }
}
