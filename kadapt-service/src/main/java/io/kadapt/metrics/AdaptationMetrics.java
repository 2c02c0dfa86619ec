package io.kadapt.metrics;

import io.kadapt.data.Domain;
import io.kadapt.monitor.LabelFreeSnapshot;
import io.kadapt.training.FeedbackScore;
import io.kadapt.training.NegativeTransferGuard;
import io.kadapt.training.StepReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * kadapt's own meters. Names are a public interface (README "Metrics"): Micrometer renders
 * {@code kadapt.samples} as {@code kadapt_samples_total}, {@code kadapt.step} as {@code kadapt_step_seconds}.
 */
public final class AdaptationMetrics {
    /**
     * Why a feedback label was not learned from: {@code not_held}, its prediction waited without features (feedback
     * learning was off when it was made); {@code expired}, it waited for a prediction that never came
     * and was forgotten; {@code dropped}, the labelled buffer overflowed.
     */
    public static final List<String> UNLEARNED_REASONS = List.of("not_held", "expired", "dropped");
    private final MeterRegistry registry;
    private final Map<Domain, Counter> samples = new EnumMap<>(Domain.class);
    private final Map<Domain, GaugeValue> buffered = new EnumMap<>(Domain.class);
    private final Map<String, GaugeValue> losses = new ConcurrentHashMap<>();
    private final Map<String, GaugeValue> lambdas = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new HashMap<>();
    private final Map<Integer, Counter> predictions = new ConcurrentHashMap<>();
    private final Map<Domain, Counter> shed = new EnumMap<>(Domain.class);
    private final Counter publications;
    private final GaugeValue publicationBytes = new GaugeValue();
    private final GaugeValue servedStep = new GaugeValue();
    private final GaugeValue trainerLag = new GaugeValue();
    private final Timer freshness;
    private final Timer predictorProcessing;
    private final Counter steps;
    private final Counter skippedSteps;
    private final Counter feedbackLabels;
    private final Counter feedbackLearned;
    private final Counter guardSwitches;
    private final Map<NegativeTransferGuard.Candidate, GaugeValue> serving =
            new EnumMap<>(NegativeTransferGuard.Candidate.class);
    private final Map<String, Counter> feedbackUnlearned = new HashMap<>();
    private final Counter threadReplacements;
    private final Map<String, Counter> restoredRecords = new ConcurrentHashMap<>();
    private final Map<String, Counter> standbyRecords = new ConcurrentHashMap<>();
    private final Timer stepTimer;
    private final Timer predictionLatency;
    private final GaugeValue modelStep = new GaugeValue();
    private final GaugeValue targetAccuracy = new GaugeValue(Double.NaN);
    private final GaugeValue targetMae = new GaugeValue(Double.NaN);
    private final GaugeValue targetRmse = new GaugeValue(Double.NaN);
    private final GaugeValue discrepancy = new GaugeValue(Double.NaN);
    private final GaugeValue targetEntropy = new GaugeValue(Double.NaN);
    private final GaugeValue sourceAccuracy = new GaugeValue(Double.NaN);
    private final GaugeValue predictionEntropy = new GaugeValue(Double.NaN);
    private final GaugeValue informationMaximisation = new GaugeValue(Double.NaN);
    private final GaugeValue softNeighbourhoodDensity = new GaugeValue(Double.NaN);
    private final GaugeValue shadowDisagreement = new GaugeValue(Double.NaN);
    private final GaugeValue sourcePrequentialAccuracy = new GaugeValue(Double.NaN);
    private final Map<Domain, GaugeValue> inputDrift = new EnumMap<>(Domain.class);
    private final Map<Integer, GaugeValue> classRatios = new ConcurrentHashMap<>();
    private final GaugeValue paused = new GaugeValue();
    private final GaugeValue learningRate = new GaugeValue(Double.NaN);
    private final Map<String, Counter> controlCommands = new ConcurrentHashMap<>();

    /**
     * @param deadLetterReasons every reason a record can be dead-lettered for: each gets its counter at 0 from the
     *                          start, so the dashboard shows a rate rather than no data
     */
    public AdaptationMetrics(MeterRegistry registry, Collection<String> deadLetterReasons) {
        this.registry = registry;
        for (Domain domain : Domain.values()) {
            samples.put(domain, Counter.builder("kadapt.samples").tag("domain", domain.tag())
                    .description("Valid samples consumed, by domain").register(registry));
            GaugeValue value = new GaugeValue();
            buffered.put(domain, value);
            gauge("kadapt.buffered.samples", value, "Samples waiting for a training step", "domain", domain.tag());
            inputDrift.put(domain, gauge("kadapt.input.drift", new GaugeValue(Double.NaN),
                    "MMD² of raw inputs between the first rows seen and the recent window (NaN until the first is full)",
                    "domain", domain.tag()));
        }
        for (String reason : deadLetterReasons) {
            deadLetters.put(reason, Counter.builder("kadapt.dlq.records").tag("reason", reason)
                    .description("Input records sent to the dead-letter topic, by reason").register(registry));
        }
        for (Domain domain : Domain.values()) {
            shed.put(domain, Counter.builder("kadapt.trainer.shed.samples").tag("domain", domain.tag())
                    .description("Samples not trained on because they reached the trainer later than train.max-lag-ms")
                    .register(registry));
        }
        publications = Counter.builder("kadapt.model.publications")
                .description("Model versions the trainer published to the model topic").register(registry);
        gauge("kadapt.model.publication.bytes", publicationBytes, "Size of the last published model version");
        gauge("kadapt.served.model.step", servedStep, "Step of the model this instance predicts with");
        gauge("kadapt.trainer.lag.seconds", trainerLag,
                "Age of the record the trainer read last: how far training runs behind the stream");
        freshness = Timer.builder("kadapt.model.freshness")
                .description("From a training step to the first prediction on this instance with a model that has it")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        predictorProcessing = Timer.builder("kadapt.predictor.processing")
                .description("The predictor's own time per target record: predict, publish, hand on to training")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
        steps = Counter.builder("kadapt.training.steps").description("Optimiser steps applied").register(registry);
        skippedSteps = Counter.builder("kadapt.training.steps.skipped")
                .description("Steps skipped because the loss or a gradient was not finite").register(registry);
        feedbackLabels = Counter.builder("kadapt.feedback.labels")
                .description("Feedback labels matched to a prediction").register(registry);
        feedbackLearned = Counter.builder("kadapt.feedback.learned")
                .description("Labelled target samples (a prediction joined with its late label) learned from")
                .register(registry);
        guardSwitches = Counter.builder("kadapt.guard.switches")
                .description("Times the negative-transfer guard switched the served model").register(registry);
        for (String reason : UNLEARNED_REASONS) {
            feedbackUnlearned.put(reason, Counter.builder("kadapt.feedback.labels.unlearned").tag("reason", reason)
                    .description("Feedback labels not learned from, by reason").register(registry));
        }
        threadReplacements = Counter.builder("kadapt.stream.thread.replacements")
                .description("Stream threads that died of an unexpected exception and were replaced").register(registry);
        stepTimer = Timer.builder("kadapt.step").description("Time of one optimiser step")
                .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        predictionLatency = Timer.builder("kadapt.prediction.latency")
                .description("From the target record's timestamp to its prediction")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        gauge("kadapt.model.step", modelStep, "Optimiser steps the model has taken, across restarts");
        gauge("kadapt.training.paused", paused, "1 while a control command has paused training, else 0");
        gauge("kadapt.learning.rate", learningRate, "Adam's base learning rate lr0 in force (configured or set by a"
                + " control command)");
        gauge("kadapt.target.accuracy", targetAccuracy, "Accuracy on the last feedback labels (NaN before any)");
        gauge("kadapt.target.mae", targetMae,
                "Regression: mean absolute error on the last feedback labels (NaN before any, and for classification)");
        gauge("kadapt.target.rmse", targetRmse,
                "Regression: root mean squared error on the last feedback labels (NaN before any, and for classification)");
        gauge("kadapt.domain.discrepancy", discrepancy, "Multi-kernel MMD² between the last batches' features");
        gauge("kadapt.target.entropy", targetEntropy, "Mean entropy of the last target batch's predictions");
        gauge("kadapt.source.batch.accuracy", sourceAccuracy, "Accuracy on the last source batch");
        gauge("kadapt.target.prediction.entropy", predictionEntropy,
                "Mean entropy (nats) of the recent target predictions");
        gauge("kadapt.target.information.maximisation", informationMaximisation,
                "Entropy of the mean recent target prediction minus their mean entropy (nats)");
        gauge("kadapt.target.snd", softNeighbourhoodDensity,
                "Soft neighbourhood density of the recent target predictions (Saito et al. 2021)");
        gauge("kadapt.shadow.disagreement.ratio", shadowDisagreement,
                "Fraction of recent target samples the source-only shadow predicted differently");
        gauge("kadapt.source.prequential.accuracy", sourcePrequentialAccuracy,
                "Accuracy on the recent fresh source samples, each scored before the model trained on it");
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void sampleConsumed(Domain domain) {
        samples.get(domain).increment();
    }

    public void buffered(Domain domain, int count) {
        buffered.get(domain).set(count);
    }

    /**
     * @param partition       the target partition (a tag of {@code kadapt_predictions_total}), −1 if unknown
     * @param processingNanos the predictor's own time on the record
     */
    public void predictionPublished(double latencyMs, int partition, long processingNanos) {
        predictionCounter(partition).increment();
        predictionLatency.record((long) (latencyMs * 1e6), TimeUnit.NANOSECONDS);
        predictorProcessing.record(processingNanos, TimeUnit.NANOSECONDS);
    }

    /** The predictions counter of a target partition, registered at 0 when its task starts here. */
    public Counter predictionCounter(int partition) {
        return predictions.computeIfAbsent(partition, p -> Counter.builder("kadapt.predictions")
                .tag("partition", Integer.toString(p)).description("Predictions published, by target partition")
                .register(registry));
    }

    /** Predictions this instance published, over all partitions. */
    public double predictions() {
        return predictions.values().stream().mapToDouble(Counter::count).sum();
    }

    public void servedModelStep(long step) {
        servedStep.set(step);
    }

    /** From a training step to the first prediction with a model that has it. */
    public void modelFreshness(long millis) {
        freshness.record(millis, TimeUnit.MILLISECONDS);
    }

    public void modelPublished(int bytes) {
        publications.increment();
        publicationBytes.set(bytes);
    }

    public void trainerLag(long millis) {
        trainerLag.set(millis / 1000.0);
    }

    /**
     * Which model the trainer publishes for serving now. Registered by the first call, which the trainer makes: an
     * instance without the trainer does not know, and exports no {@code kadapt_serving_model}.
     */
    public synchronized void serving(NegativeTransferGuard.Candidate candidate) {
        if (serving.isEmpty()) {
            for (NegativeTransferGuard.Candidate each : NegativeTransferGuard.Candidate.values()) {
                serving.put(each, gauge("kadapt.serving.model", new GaugeValue(0),
                        "1 for the model being served (adapted, or the guard's source-only shadow), else 0", "model",
                        each.tag()));
            }
        }
        serving.forEach((each, value) -> value.set(each == candidate ? 1 : 0));
    }

    /** The guard switched to {@code to}. */
    public void guardSwitched(NegativeTransferGuard.Candidate to) {
        guardSwitches.increment();
        serving(to);
    }

    /** A labelled target sample was learned from (its fresh feedback step applied). */
    public void feedbackLearned(int samples) {
        feedbackLearned.increment(samples);
    }

    /** A feedback label was not learned from, for one of {@link #UNLEARNED_REASONS}. */
    public void feedbackUnlearned(String reason) {
        feedbackUnlearned.get(reason).increment();
    }

    /** A sample the overload policy kept from training. */
    public void shed(Domain domain) {
        shed.get(domain).increment();
    }

    public void modelStep(long step) {
        modelStep.set(step);
    }

    public long modelStep() {
        return (long) modelStep.get();
    }

    /** A feedback label was scored; {@code score} holds the window after it. */
    public void feedback(FeedbackScore score) {
        feedbackLabels.increment();
        targetAccuracy.set(score.accuracy());
        targetMae.set(score.meanAbsoluteError());
        targetRmse.set(score.rootMeanSquaredError());
    }

    public void step(StepReport report) {
        modelStep.set(report.step());
        stepTimer.record((long) (report.seconds() * 1e9), TimeUnit.NANOSECONDS);
        if (!report.outcome().applied()) {
            skippedSteps.increment();
            return;
        }
        steps.increment();
        if (report.feedback()) {
            // Its supervised loss is over labelled target rows, and it has no domain term: the source gauges keep
            // the last source step's values.
            loss("feedback", report.outcome().supervisedLoss());
            return;
        }
        loss("supervised", report.outcome().supervisedLoss());
        report.outcome().domainLossValues().forEach(this::loss);
        loss("total", report.outcome().totalLoss());
        report.lambdas().forEach((term, value) ->
                lambdas.computeIfAbsent(term, t -> gauge("kadapt.lambda", new GaugeValue(), "Weight of a domain term", "term", t))
                        .set(value));
        discrepancy.set(report.outcome().mmd());
        targetEntropy.set(report.outcome().targetMeanEntropy());
        sourceAccuracy.set(report.outcome().sourceAccuracy());
    }

    /**
     * The label-free gauges from one snapshot of the monitor. Class-ratio gauges appear with the first snapshot
     * that has predictions, one per class.
     */
    public void labelFree(LabelFreeSnapshot snapshot) {
        predictionEntropy.set(snapshot.meanEntropy());
        informationMaximisation.set(snapshot.informationMaximisation());
        softNeighbourhoodDensity.set(snapshot.softNeighbourhoodDensity());
        shadowDisagreement.set(snapshot.disagreementRatio());
        sourcePrequentialAccuracy.set(snapshot.sourcePrequentialAccuracy());
        inputDrift.forEach((domain, value) -> value.set(snapshot.drift(domain)));
        List<Double> ratios = snapshot.classRatios();
        for (int c = 0; c < ratios.size(); c++) {
            classRatios.computeIfAbsent(c, k -> gauge("kadapt.predicted.class.ratio", new GaugeValue(Double.NaN),
                    "Fraction of the recent target predictions of each class", "class", Integer.toString(k)))
                    .set(ratios.get(c));
        }
    }

    private void loss(String term, double value) {
        losses.computeIfAbsent(term, t -> gauge("kadapt.loss", new GaugeValue(), "Loss term value of the last step",
                "term", t)).set(value);
    }

    public void streamThreadReplaced() {
        threadReplacements.increment();
    }

    /** Changelog records an active task replayed into {@code store} before it could process (a restore). */
    public void restored(String store, long records) {
        storeCounter(restoredRecords, "kadapt.state.restored.records",
                "Changelog records replayed into a store before its task could process", store).increment(records);
    }

    /** Changelog records a standby task applied to its copy of {@code store} (KIP-988). */
    public void standbyUpdated(String store, long records) {
        storeCounter(standbyRecords, "kadapt.state.standby.records",
                "Changelog records applied to a standby copy of a store", store).increment(records);
    }

    private Counter storeCounter(Map<String, Counter> counters, String name, String description, String store) {
        return counters.computeIfAbsent(store, s -> Counter.builder(name).tag("store", s).description(description)
                .register(registry));
    }

    /** One applied runtime control command; the counter per command is registered on first use. */
    public void controlApplied(String command) {
        controlCommands.computeIfAbsent(command, c -> Counter.builder("kadapt.control.commands").tag("command", c)
                .description("Runtime control commands applied, by command").register(registry)).increment();
    }

    /** The settings control commands change, as in force now: paused (1 or 0) and Adam's base learning rate. */
    public void runtimeSettings(boolean paused, double learningRate) {
        this.paused.set(paused ? 1 : 0);
        this.learningRate.set(learningRate);
    }

    /** Counts one dead-lettered record under its reason, one of those given at construction. */
    public void deadLetter(String reason) {
        deadLetters.get(reason).increment();
    }

    private GaugeValue gauge(String name, GaugeValue value, String description, String... tags) {
        Gauge.builder(name, value, GaugeValue::get).description(description).tags(tags).register(registry);
        return value;
    }

    /** A settable gauge source; volatile because the stream thread writes and the scrape thread reads. */
    private static final class GaugeValue {
        private volatile double value;

        GaugeValue() {
            this(0);
        }

        GaugeValue(double initial) {
            value = initial;
        }

        void set(double newValue) {
            value = newValue;
        }

        double get() {
            return value;
        }
    }
}
