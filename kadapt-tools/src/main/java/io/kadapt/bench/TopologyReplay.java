package io.kadapt.bench;

import io.kadapt.client.SampleProducer;
import io.kadapt.config.KadaptConfig;
import io.kadapt.data.Domain;
import io.kadapt.data.Prediction;
import io.kadapt.data.Sample;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.monitor.FractionWindow;
import io.kadapt.monitor.InputDrift;
import io.kadapt.monitor.MonitorSettings;
import io.kadapt.replay.ReplayOrder;
import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.AdaptationTopology;
import io.kadapt.stream.ServedModelHolder;
import io.kadapt.stream.StoredTrainer;
import io.kadapt.stream.Topics;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.stream.serde.StepMetricsMessage;
import io.kadapt.training.OnlineTrainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * One replay through the service's own topologies (both halves, {@link AdaptationTopology#whole}) in a
 * {@link TopologyTestDriver}: no broker, deterministic, the
 * records piped in {@link ReplayOrder} with the timestamps a {@link io.kadapt.replay.StreamReplay} gives them.
 * Measures prequential accuracy (the published predictions, each made before the model trained on its sample) and
 * final accuracy (the model the stores hold at the end, restored as the processor restores it, predicting every
 * target sample with the service's final per-domain statistics). Also measures the source-side signal a deployed
 * service has: source prequential accuracy, the training forward pass's accuracy on each fresh source batch before
 * the step that first trains on it.
 */
public final class TopologyReplay {
    /** Timestamp of the first record; record i gets {@code BASE_TIMESTAMP + i}. */
    static final long BASE_TIMESTAMP = 1_700_000_000_000L;
    /** Target samples per forward pass of the finished model. */
    private static final int FINAL_BATCH = 256;

    private TopologyReplay() {
    }

    /**
     * What one replay measured. {@code predictions}: the published prediction of each target id;
     * {@code sourcePrequential}: mean source accuracy of the fresh (not replayed) steps, NaN if there were none;
     * {@code guardSwitches}: how often the negative-transfer guard switched the served model; {@code gauges}: the
     * label-free gauges beside the true accuracy at checkpoints of the published predictions (none for baselines that
     * publish none).
     */
    public record Outcome(Map<String, PredictionMessage> predictions, int targetSamples, int prequentialCorrect,
                          int finalCorrect, long modelSteps, double seconds, double sourcePrequential,
                          double heldOutSourceAccuracy, boolean[] prequentialHits, double targetInformation,
                          int guardSwitches, List<GaugePoint> gauges) {
        public double prequentialAccuracy() {
            return (double) prequentialCorrect / targetSamples;
        }

        public double finalAccuracy() {
            return (double) finalCorrect / targetSamples;
        }
    }

    public static Outcome run(KadaptConfig config, ReplayOrder order) {
        return run(config, order, List.of());
    }

    /**
     * As {@link #run(KadaptConfig, ReplayOrder)}, and the finished model also predicts {@code heldOutSource}
     * (labelled source rows never sent, standardised with the source domain's final statistics): the accuracy a
     * service could measure on a slice of its own labelled stream. NaN when the list is empty.
     */
    public static Outcome run(KadaptConfig configured, ReplayOrder order, List<ReplayOrder.Entry> heldOutSource) {
        long started = System.nanoTime();
        // The driver's clock stands still: publish after every step, so each target is predicted by the model of
        // every step before it, as a service keeping up with its stream would.
        KadaptConfig config = configured.with(Map.of("model.publish-interval-ms", "0"));
        AdaptationSettings settings = AdaptationSettings.from(config);
        AdaptationMetrics metrics = new AdaptationMetrics(new SimpleMeterRegistry(), RejectReason.tags());
        ServedModelHolder models = new ServedModelHolder(StoredTrainer.initialModel(settings), metrics);
        Path stateDir = temporaryDirectory();
        try (TopologyTestDriver driver = new TopologyTestDriver(AdaptationTopology.whole(settings, metrics, models),
                StreamsProperties.from(config, StreamsProperties.Role.PREDICTION, "unused:9092", stateDir,
                        metrics))) {
            Topics topics = settings.topics();
            TestInputTopic<String, String> source = input(driver, topics.source());
            TestInputTopic<String, String> target = input(driver, topics.target());
            TestInputTopic<String, String> feedback = input(driver, topics.feedback());
            TestOutputTopic<String, byte[]> predictionsTopic = driver.createOutputTopic(topics.predictions(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<String, byte[]> metricsTopic = driver.createOutputTopic(topics.metrics(),
                    new StringDeserializer(), new ByteArrayDeserializer());

            Map<String, PredictionMessage> predictions = new HashMap<>();
            double freshSourceAccuracy = 0.0;
            int freshSteps = 0;
            int guardSwitches = 0;
            long timestamp = BASE_TIMESTAMP;
            List<ReplayOrder.Entry> targetsSoFar = new java.util.ArrayList<>(order.targetSamples());
            double[] disagreement = new double[GaugePoint.CHECKPOINTS];
            double[] drift = new double[GaugePoint.CHECKPOINTS];
            double[] sourcePrequential = new double[GaugePoint.CHECKPOINTS];
            // The service's source prequential gauge, fed from the same step records.
            FractionWindow sourceHits = new FractionWindow(MonitorSettings.DEFAULTS.sourceWindow());
            java.util.Arrays.fill(disagreement, Double.NaN);
            java.util.Arrays.fill(drift, Double.NaN);
            for (ReplayOrder.Entry entry : order.entries()) {
                switch (entry.kind()) {
                    case SOURCE -> source.pipeInput(entry.id(), SampleProducer.sourceJson(
                            entry.id(), entry.features(), entry.label()), timestamp);
                    case TARGET -> target.pipeInput(entry.id(),
                            SampleProducer.targetJson(entry.id(), entry.features()), timestamp);
                    case FEEDBACK -> feedback.pipeInput(entry.id(),
                            SampleProducer.feedbackJson(entry.id(), entry.label()), timestamp);
                }
                timestamp++;
                for (byte[] value : predictionsTopic.readValuesToList()) {
                    PredictionMessage prediction = JsonCodec.read(value, PredictionMessage.class);
                    predictions.putIfAbsent(prediction.id(), prediction);
                }
                for (var record : metricsTopic.readKeyValuesToList()) {
                    if (!StepMetricsMessage.isStepKey(record.key)) {
                        continue; // a label-free snapshot
                    }
                    StepMetricsMessage step = JsonCodec.read(record.value, StepMetricsMessage.class);
                    guardSwitches += step.guardSwitch() != null ? 1 : 0;
                    if (step.applied() && !step.replay() && !step.sourceOnly() && !step.feedback()) {
                        freshSourceAccuracy += step.sourceAccuracy();
                        freshSteps++;
                    }
                    if (step.applied() && !step.replay() && !step.feedback() && step.sourceAccuracy() != null) {
                        sourceHits.record((int) Math.round(step.sourceAccuracy() * step.sourceBatch()),
                                step.sourceBatch());
                    }
                }
                if (entry.kind() == ReplayOrder.Kind.TARGET) {
                    targetsSoFar.add(entry);
                    for (int k = 1; k <= GaugePoint.CHECKPOINTS; k++) {
                        if (targetsSoFar.size() == GaugePoint.end(order.targetSamples(), k)) {
                            disagreement[k - 1] = disagreement(settings, driver, targetsSoFar);
                            drift[k - 1] = targetDrift(targetsSoFar);
                            sourcePrequential[k - 1] = sourceHits.ratio();
                        }
                    }
                }
            }

            int prequentialCorrect = 0;
            int finalCorrect = 0;
            int heldOutCorrect = 0;
            boolean[] hits = new boolean[order.targetSamples()];
            List<float[]> publishedProbabilities = new java.util.ArrayList<>(order.targetSamples());
            InformationScore information = new InformationScore();
            long modelSteps;
            // The finished model: what the stores hold now, loaded exactly as a restarted processor would load it.
            // No record is sent, so nothing trains and the target statistics stay those of all target samples.
            try (OnlineTrainer finished = StoredTrainer.restore(settings, driver::getKeyValueStore)) {
                modelSteps = finished.model().step();
                List<ReplayOrder.Entry> targets = order.targets();
                for (int from = 0; from < heldOutSource.size(); from += FINAL_BATCH) {
                    List<ReplayOrder.Entry> batch = heldOutSource.subList(from,
                            Math.min(heldOutSource.size(), from + FINAL_BATCH));
                    List<Prediction> predicted = finished.predict(Domain.SOURCE, batch.stream()
                            .map(e -> new Sample(e.id(), e.features(), Sample.NO_LABEL)).toList());
                    for (int i = 0; i < batch.size(); i++) {
                        heldOutCorrect += predicted.get(i).predictedClass() == batch.get(i).label() ? 1 : 0;
                    }
                }
                for (int from = 0; from < targets.size(); from += FINAL_BATCH) {
                    List<ReplayOrder.Entry> batch = targets.subList(from, Math.min(targets.size(), from + FINAL_BATCH));
                    List<Prediction> finals = finished.predict(batch.stream()
                            .map(e -> new Sample(e.id(), e.features(), Sample.NO_LABEL)).toList());
                    for (int i = 0; i < batch.size(); i++) {
                        ReplayOrder.Entry entry = batch.get(i);
                        PredictionMessage published = predictions.get(entry.id());
                        if (published == null) {
                            throw new IllegalStateException("no prediction for target sample " + entry.id());
                        }
                        information.add(finals.get(i).probabilities());
                        publishedProbabilities.add(published.probabilities());
                        hits[from + i] = published.predicted() == entry.label();
                        prequentialCorrect += hits[from + i] ? 1 : 0;
                        finalCorrect += finals.get(i).predictedClass() == entry.label() ? 1 : 0;
                    }
                }
            }
            return new Outcome(predictions, order.targetSamples(), prequentialCorrect, finalCorrect, modelSteps,
                    (System.nanoTime() - started) / 1e9, freshSteps > 0 ? freshSourceAccuracy / freshSteps : Double.NaN,
                    heldOutSource.isEmpty() ? Double.NaN : (double) heldOutCorrect / heldOutSource.size(), hits,
                    information.score(), guardSwitches, GaugePoint.of(publishedProbabilities, hits, disagreement, drift,
                    sourcePrequential));
        } finally {
            deleteRecursively(stateDir);
        }
    }

    /**
     * The shadow/adapted disagreement of the trainer as the stores hold it now, on the targets of the gauge window
     * that ends here: the models' view of the same samples the window's other gauges read.
     */
    private static double disagreement(AdaptationSettings settings, TopologyTestDriver driver,
                                       List<ReplayOrder.Entry> targetsSoFar) {
        if (settings.modelSpec().domainLosses().isEmpty()) {
            return Double.NaN; // the shadow is the model itself: 0 by construction, no evidence of anything
        }
        int end = targetsSoFar.size();
        try (OnlineTrainer now = StoredTrainer.restore(settings, driver::getKeyValueStore)) {
            return now.disagreement(targetsSoFar.subList(GaugePoint.start(end), end).stream()
                    .map(e -> new Sample(e.id(), e.features(), Sample.NO_LABEL)).toList());
        }
    }

    /** The service's input-drift gauge for the target domain after these raw target rows. */
    private static double targetDrift(List<ReplayOrder.Entry> targetsSoFar) {
        InputDrift drift = new InputDrift(MonitorSettings.DEFAULTS.driftWindow(), targetsSoFar.get(0).features().length);
        targetsSoFar.forEach(e -> drift.add(e.features()));
        return drift.compute();
    }

    private static TestInputTopic<String, String> input(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, new StringSerializer(), new StringSerializer());
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("kadapt-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is not worth failing a benchmark for.
        }
    }
}
