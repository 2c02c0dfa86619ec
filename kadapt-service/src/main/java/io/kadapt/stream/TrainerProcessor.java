package io.kadapt.stream;

import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.data.Task;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.monitor.LabelFreeMonitor;
import io.kadapt.monitor.LabelFreeSnapshot;
import io.kadapt.monitor.MonitorSettings;
import io.kadapt.serving.ServedModel;
import io.kadapt.stream.serde.LabelFreeMessage;
import io.kadapt.stream.serde.StepMetricsMessage;
import io.kadapt.stream.serde.TrainingRecord;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.PredictionLedgerStore;
import io.kadapt.stream.state.ReplayMemoryStore;
import io.kadapt.stream.state.SampleBufferStore;
import io.kadapt.training.FeedbackScore;
import io.kadapt.training.NegativeTransferGuard;
import io.kadapt.training.OnlineTrainer;
import io.kadapt.training.StepReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one trainer: reads the training topic (one partition, so one task, active on exactly one instance), buffers
 * samples in a state store, trains when a source and a target batch are ready, writes the model and trainer state
 * back to the changelogged store after every step, and publishes the model to the model topic at most once per
 * {@code model.publish-interval-ms}. Under exactly-once the model, its publication and the consumed offsets commit
 * together. It also scores the predictions against late labels, learns from the labelled target samples they make
 * (feedback learning), and applies runtime control commands
 * ({@link ControlApplier}): all reach it on the training topic, so it applies them in that one log's order.
 */
final class TrainerProcessor implements Processor<String, TrainingRecord, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerProcessor.class);
    private static final long LABEL_FREE_INTERVAL_MS = 10_000;

    private final AdaptationSettings settings;
    private final AdaptationMetrics metrics;
    private ProcessorContext<String, Object> context;
    private ModelCheckpointStore checkpoints;
    private SampleBufferStore buffer;
    private PredictionLedgerStore ledger;
    private ReplayMemoryStore replay;
    private ControlApplier control;
    private FeedbackScore score;
    private OnlineTrainer trainer;
    private long lastTargetStepMs;
    private long publishedStep = -1;
    private long lastPublishMs;
    private long lastStepMs;
    private LabelFreeMonitor monitor;
    private long lastLabelFreeMs = Long.MIN_VALUE;

    TrainerProcessor(AdaptationSettings settings, AdaptationMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        checkpoints = new ModelCheckpointStore(context.getStateStore(ModelCheckpointStore.NAME));
        buffer = new SampleBufferStore(context.getStateStore(SampleBufferStore.NAME));
        replay = new ReplayMemoryStore(context.getStateStore(ReplayMemoryStore.NAME));
        ledger = new PredictionLedgerStore(context.getStateStore(PredictionLedgerStore.NAME),
                settings.pendingPredictionsMax(), settings.accuracyWindow(), learnsFeedback(),
                () -> metrics.feedbackUnlearned("expired"));
        score = ledger.score(settings.modelSpec().task());
        control = new ControlApplier(checkpoints, metrics);
        // The store is the truth: whatever this instance held before, (re)load the model from it.
        trainer = restoreTrainer();
        warnOfGuardBlindSpots();
        metrics.modelStep(trainer.model().step());
        metrics.serving(trainer.serving());
        metrics.runtimeSettings(trainer.state().overrides().paused(), trainer.model().learningRate());
        for (Domain domain : Domain.values()) {
            metrics.buffered(domain, trainer.buffered(domain));
        }
        lastTargetStepMs = context.currentSystemTimeMs();
        lastStepMs = lastTargetStepMs;
        boolean classifier = settings.modelSpec().task() == Task.CLASSIFICATION;
        monitor = new LabelFreeMonitor(MonitorSettings.DEFAULTS, classifier ? settings.modelSpec().numClasses() : 0,
                settings.modelSpec().inputDim());
        context.schedule(settings.publishInterval().isZero() ? Duration.ofSeconds(1) : settings.publishInterval(),
                PunctuationType.WALL_CLOCK_TIME, this::publishIfDue);
        if (!settings.stallTimeout().isZero()) {
            Duration interval = settings.stallTimeout().compareTo(Duration.ofSeconds(1)) < 0
                    ? settings.stallTimeout() : Duration.ofSeconds(1);
            context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::trainSourceOnlyIfStalled);
        }
    }

    private void warnOfGuardBlindSpots() {
        if (!settings.training().guard().enabled()) {
            return;
        }
        List<String> terms = settings.modelSpec().domainLosses().stream().map(term -> term.name()).toList();
        for (String term : NegativeTransferGuard.labelFreeBlindSpots(terms)) {
            LOG.warn("task {}: the '{}' domain term raises the information maximisation score the negative-transfer"
                    + " guard compares without feedback labels, so without them the guard cannot tell when it hurts;"
                    + " send feedback labels, or watch kadapt_shadow_disagreement_ratio (README, Negative-transfer"
                    + " guard)", context.taskId(), term);
        }
    }

    private OnlineTrainer restoreTrainer() {
        OnlineTrainer restored = StoredTrainer.restore(settings, context::getStateStore);
        LOG.info("task {}: trainer loaded from the stores at model step {} (seed {}; {} source, {} target samples"
                        + " buffered)", context.taskId(), restored.model().step(), settings.modelSpec().seed(),
                restored.buffered(Domain.SOURCE), restored.buffered(Domain.TARGET));
        return restored;
    }

    @Override
    public void process(Record<String, TrainingRecord> record) {
        long now = context.currentSystemTimeMs();
        long lagMs = Math.max(0, now - record.timestamp());
        metrics.trainerLag(lagMs);
        if (record.value() instanceof TrainingRecord.Control command) {
            applyControl(command, now);
            return;
        }
        if (record.value() instanceof TrainingRecord.Feedback feedback) {
            ledger.labelled(feedback.id(), feedback.label()).ifPresent(this::matched);
            publishIfDue(now);
            return;
        }
        Domain domain = record.value() instanceof TrainingRecord.Target ? Domain.TARGET : Domain.SOURCE;
        Sample sample;
        if (record.value() instanceof TrainingRecord.Target target) {
            sample = target.sample();
            ledger.predicted(sample.id(), target.predicted(), sample.features()).ifPresent(this::matched);
            if (target.probabilities() != null) {
                monitor.prediction(target.probabilities());
            }
        } else {
            sample = ((TrainingRecord.Source) record.value()).sample();
        }
        monitor.input(domain, sample.features());
        updateLabelFreeScores(now);
        if (settings.shedAfter().isZero() || lagMs <= settings.shedAfter().toMillis()) {
            admit(domain, sample);
        } else {
            metrics.shed(domain);
        }
        publishIfDue(now);
    }

    /**
     * A control command, in the training topic's order among the samples: applied, persisted, acknowledged on the
     * metrics topic (the audit trail). A snapshot also publishes the model now, whatever the publish interval, and
     * requests a commit, so the model changelog holds this model once the transaction commits.
     */
    private void applyControl(TrainingRecord.Control command, long now) {
        ControlApplier.Applied applied = control.apply(command, trainer, now, context.taskId());
        context.forward(new Record<String, Object>(applied.key(), applied.ack(), now), AdaptationTopology.METRICS_SINK);
        if (applied.commitNow()) {
            publish(now);
            context.commit();
        }
    }

    private void admit(Domain domain, Sample sample) {
        long sequence = trainer.nextSequence(domain);
        OptionalLong dropped = trainer.admit(domain, sample);
        buffer.put(domain, sequence, sample);
        if (dropped.isPresent()) {
            buffer.delete(domain, dropped.getAsLong(), dropped.getAsLong() + 1);
            checkpoints.saveState(trainer);
        }
        while (trainer.readyToTrain()) {
            step(false);
        }
        // Both domains: a step triggered by this sample also consumed the other domain's batch.
        for (Domain each : Domain.values()) {
            metrics.buffered(each, trainer.buffered(each));
        }
    }

    /**
     * The label-free scores over the recent window, to the gauges and the metrics topic: the first as soon as the window
     * is full, then at most every {@value #LABEL_FREE_INTERVAL_MS} ms, because one costs tens to hundreds of
     * milliseconds of this thread.
     */
    private void updateLabelFreeScores(long nowMs) {
        if (monitor.due() && (lastLabelFreeMs == Long.MIN_VALUE || nowMs - lastLabelFreeMs >= LABEL_FREE_INTERVAL_MS)) {
            LabelFreeSnapshot snapshot = monitor.snapshot();
            metrics.labelFree(snapshot);
            LabelFreeMessage message = LabelFreeMessage.of(snapshot, trainer.model().step(), nowMs);
            context.forward(new Record<String, Object>(message.key(), message, nowMs), AdaptationTopology.METRICS_SINK);
            lastLabelFreeMs = nowMs;
        }
    }

    /** Publishes the model when it changed since the last publication and the interval has passed. */
    private void publishIfDue(long nowMs) {
        long step = trainer.model().step();
        if (step == publishedStep || nowMs - lastPublishMs < settings.publishInterval().toMillis()) {
            return;
        }
        publish(nowMs);
    }

    /** Publishes the model to the model topic now. */
    private void publish(long nowMs) {
        long step = trainer.model().step();
        byte[] model = ServedModel.of(trainer.export()).encode();
        for (KeyValue<String, byte[]> chunk : ModelChunks.split(model, step, lastStepMs, ModelChunks.MAX_CHUNK_BYTES)) {
            context.forward(new Record<String, Object>(chunk.key, chunk.value, nowMs), AdaptationTopology.MODEL_SINK);
        }
        metrics.modelPublished(model.length);
        publishedStep = step;
        lastPublishMs = nowMs;
    }

    private boolean learnsFeedback() {
        return settings.training().feedback().enabled();
    }

    /** A prediction met its label: scored, and with feedback learning, learned from as a labelled target sample. */
    private void matched(PredictionLedgerStore.Match match) {
        score(match.predicted(), match.label());
        if (!learnsFeedback()) {
            return;
        }
        if (match.features() == null) {
            metrics.feedbackUnlearned("not_held");
            return;
        }
        Sample labelled = new Sample(match.id(), match.features(), match.label());
        long sequence = trainer.nextLabelledSequence();
        OptionalLong dropped = trainer.admitLabelled(labelled);
        buffer.putLabelled(sequence, labelled);
        if (dropped.isPresent()) {
            buffer.deleteLabelled(dropped.getAsLong(), dropped.getAsLong() + 1);
            checkpoints.saveState(trainer);
            metrics.feedbackUnlearned("dropped");
        }
        while (trainer.readyToLearnFeedback()) {
            long from = trainer.labelledRemoved();
            long learnedBefore = trainer.state().learnedFeedbackDigest().count();
            List<StepReport> reports = trainer.learnFeedbackBatch();
            buffer.deleteLabelled(from, trainer.labelledRemoved());
            metrics.feedbackLearned((int) (trainer.state().learnedFeedbackDigest().count() - learnedBefore));
            stepped(reports);
        }
    }

    private void score(double predicted, double label) {
        score.record(predicted, label);
        ledger.saveScore(score);
        metrics.feedback(score);
    }

    private void trainSourceOnlyIfStalled(long nowMs) {
        if (nowMs - lastTargetStepMs >= settings.stallTimeout().toMillis() && trainer.readyToTrainSourceOnly()) {
            step(true);
            metrics.buffered(Domain.SOURCE, trainer.buffered(Domain.SOURCE));
            publishIfDue(nowMs);
        }
    }

    private void step(boolean sourceOnly) {
        List<StepReport> reports = sourceOnly ? List.of(trainer.train(true)) : trainer.trainReadyBatch();
        if (!sourceOnly) {
            lastTargetStepMs = context.currentSystemTimeMs();
        }
        for (StepReport report : reports) {
            buffer.delete(Domain.SOURCE, report.sourceFrom(), report.sourceTo());
            buffer.delete(Domain.TARGET, report.targetFrom(), report.targetTo());
        }
        stepped(reports);
    }

    /**
     * After steps: the guard's switches logged and counted, the shadow's disagreements into the monitor, the steps'
     * metrics out (the first carrying a switch its batch made), the replay writes and the checkpoint into the stores.
     */
    private void stepped(List<StepReport> reports) {
        lastStepMs = context.currentSystemTimeMs();
        trainer.drainDisagreements().forEach(monitor::disagreement);
        StepMetricsMessage.GuardSwitch guardSwitch = null;
        for (NegativeTransferGuard.Switch change : trainer.drainSwitches()) {
            LOG.warn("task {}: negative-transfer guard: now serving the {} model instead of the {} one ({}: {} vs {})",
                    context.taskId(), change.to().tag(), change.from().tag(), change.criterion(),
                    String.format(Locale.ROOT, "%.4f", change.toScore()),
                    String.format(Locale.ROOT, "%.4f", change.fromScore()));
            metrics.guardSwitched(change.to());
            guardSwitch = new StepMetricsMessage.GuardSwitch(change.from().tag(), change.to().tag(),
                    change.criterion(), change.fromScore(), change.toScore());
        }
        for (StepReport report : reports) {
            published(report, guardSwitch);
            guardSwitch = null;
            if (report.outcome().applied() && !report.replay() && !report.feedback()
                    && Double.isFinite(report.outcome().sourceAccuracy())) {
                // A fresh source batch, scored before this step trained on it: the source prequential accuracy.
                monitor.sourceBatch((int) Math.round(report.outcome().sourceAccuracy() * report.sourceBatch()),
                        report.sourceBatch());
            }
        }
        replay.write(trainer.drainReplayWrites());
        checkpoints.save(trainer);
    }

    private void published(StepReport report, StepMetricsMessage.GuardSwitch guardSwitch) {
        if (!report.outcome().applied()) {
            LOG.warn("task {}: step skipped ({}): batch discarded, model unchanged at step {}", context.taskId(),
                    report.outcome().skipReason(), report.step());
        }
        metrics.step(report);
        long now = context.currentSystemTimeMs();
        context.forward(new Record<>(Long.toString(report.step()), metricsMessage(report, guardSwitch, now), now),
                AdaptationTopology.METRICS_SINK);
    }

    private StepMetricsMessage metricsMessage(StepReport report, StepMetricsMessage.GuardSwitch guardSwitch, long now) {
        var outcome = report.outcome();
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("supervised", outcome.supervisedLoss());
        losses.putAll(outcome.domainLossValues());
        boolean classifier = settings.modelSpec().task() == Task.CLASSIFICATION;
        return new StepMetricsMessage(report.step(), now, outcome.applied(), outcome.skipReason(), report.sourceOnly(),
                report.replay(), report.feedback(),
                losses, report.lambdas(), outcome.totalLoss(), report.sourceBatch(), report.targetBatch(),
                outcome.mmd(), classifier ? outcome.targetMeanEntropy() : null,
                classifier && !report.feedback() ? outcome.sourceAccuracy() : null, nullIfNaN(score.accuracy()),
                score.total(),
                outcome.gradientNorm(), report.seconds() * 1000,
                classifier ? null : nullIfNaN(score.meanAbsoluteError()),
                classifier ? null : nullIfNaN(score.rootMeanSquaredError()), trainer.serving().tag(), guardSwitch);
    }

    private static Double nullIfNaN(double value) {
        return Double.isNaN(value) ? null : value;
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
            trainer = null;
        }
    }
}
