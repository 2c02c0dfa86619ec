package io.kadapt.stream;

import io.kadapt.data.Domain;
import io.kadapt.data.Prediction;
import io.kadapt.data.Sample;
import io.kadapt.data.Task;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.dlq.RejectedRecordException;
import io.kadapt.stream.serde.InboundRecord;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.stream.serde.StepMetricsMessage;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.PredictionLedgerStore;
import io.kadapt.stream.state.ReplayMemoryStore;
import io.kadapt.stream.state.SampleBufferStore;
import io.kadapt.training.FeedbackScore;
import io.kadapt.training.OnlineTrainer;
import io.kadapt.training.StepReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor that owns the model: predicts every target sample on arrival (test-then-train),
 * buffers samples in a state store, trains when a source and a target batch are ready, and writes the
 * model and trainer state back to the changelogged store after every step, so that under exactly-once
 * the model, the predictions and the consumed offsets commit together.
 */
final class AdaptationProcessor implements Processor<byte[], InboundRecord, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(AdaptationProcessor.class);

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

    AdaptationProcessor(AdaptationSettings settings, AdaptationMetrics metrics) {
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
                settings.pendingPredictionsMax(), settings.accuracyWindow());
        score = ledger.score(settings.modelSpec().task());
        control = new ControlApplier(checkpoints, metrics);
        // The store is the truth: whatever this instance held before, (re)load the model from it.
        trainer = restoreTrainer();
        metrics.modelStep(trainer.model().step());
        metrics.runtimeSettings(trainer.state().overrides().paused(), trainer.model().learningRate());
        for (Domain domain : Domain.values()) {
            metrics.buffered(domain, trainer.buffered(domain));
        }
        lastTargetStepMs = context.currentSystemTimeMs();
        if (!settings.stallTimeout().isZero()) {
            Duration interval = settings.stallTimeout().compareTo(Duration.ofSeconds(1)) < 0
                    ? settings.stallTimeout() : Duration.ofSeconds(1);
            context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::trainSourceOnlyIfStalled);
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
    public void process(Record<byte[], InboundRecord> record) {
        if (record.value() instanceof InboundRecord.DomainSample sample) {
            admit(sample.domain(), sample.sample(), record.timestamp());
        } else if (record.value() instanceof InboundRecord.FeedbackLabel feedback) {
            score(feedback);
        } else if (record.value() instanceof InboundRecord.Control command) {
            applyControl(command);
        } else if (record.value() instanceof InboundRecord.Rejected rejected) {
            throw new RejectedRecordException(rejected.reason(), rejected.detail());
        }
    }

    /** A control command in log order: applied, persisted, acknowledged on the metrics topic (the audit trail). */
    private void applyControl(InboundRecord.Control command) {
        var origin = context.recordMetadata().orElseThrow();
        long now = context.currentSystemTimeMs();
        ControlApplier.Applied applied = control.apply(command, trainer, origin.topic(), origin.partition(),
                origin.offset(), now, context.taskId());
        context.forward(new Record<>(applied.key(), applied.ack(), now), AdaptationTopology.METRICS_SINK);
        if (applied.commitNow()) {
            context.commit(); // a snapshot: the model changelog holds this model once this transaction commits
        }
    }

    private void admit(Domain domain, Sample sample, long recordTimestamp) {
        long sequence = trainer.nextSequence(domain);
        OptionalLong dropped = trainer.admit(domain, sample);
        buffer.put(domain, sequence, sample);
        if (dropped.isPresent()) {
            buffer.delete(domain, dropped.getAsLong(), dropped.getAsLong() + 1);
            checkpoints.saveTrainer(trainer.state().encode());
        }
        metrics.sampleConsumed(domain);
        if (domain == Domain.TARGET) {
            publish(trainer.predict(sample), recordTimestamp);
        }
        while (trainer.readyToTrain()) {
            step(false);
        }
        // Both domains: a step triggered by this sample also consumed the other domain's batch.
        for (Domain each : Domain.values()) {
            metrics.buffered(each, trainer.buffered(each));
        }
    }

    private void publish(Prediction prediction, long recordTimestamp) {
        ledger.predicted(prediction.id(), prediction.predicted())
                .ifPresent(label -> score(prediction.predicted(), label));
        long now = context.currentSystemTimeMs();
        double latencyMs = Math.max(0, now - recordTimestamp);
        context.forward(new Record<>(prediction.id(), PredictionMessage.of(prediction, latencyMs), now),
                AdaptationTopology.PREDICTIONS_SINK);
        metrics.predictionPublished(latencyMs);
    }

    private void score(InboundRecord.FeedbackLabel feedback) {
        ledger.labelled(feedback.id(), feedback.label()).ifPresent(predicted -> score(predicted, feedback.label()));
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
            published(report);
        }
        replay.write(trainer.drainReplayWrites());
        checkpoints.save(trainer.model().snapshot().encode(), trainer.state().encode());
    }

    private void published(StepReport report) {
        if (!report.outcome().applied()) {
            LOG.warn("task {}: step skipped ({}): batch discarded, model unchanged at step {}", context.taskId(),
                    report.outcome().skipReason(), report.step());
        }
        metrics.step(report);
        long now = context.currentSystemTimeMs();
        context.forward(new Record<>(Long.toString(report.step()), metricsMessage(report, now), now),
                AdaptationTopology.METRICS_SINK);
    }

    private StepMetricsMessage metricsMessage(StepReport report, long now) {
        var outcome = report.outcome();
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("supervised", outcome.supervisedLoss());
        losses.putAll(outcome.domainLossValues());
        boolean classifier = settings.modelSpec().task() == Task.CLASSIFICATION;
        return new StepMetricsMessage(report.step(), now, outcome.applied(), outcome.skipReason(), report.sourceOnly(),
                report.replay(),
                losses, report.lambdas(), outcome.totalLoss(), report.sourceBatch(), report.targetBatch(),
                outcome.mmd(), classifier ? outcome.targetMeanEntropy() : null,
                classifier ? outcome.sourceAccuracy() : null, nullIfNaN(score.accuracy()), score.total(),
                outcome.gradientNorm(), report.seconds() * 1000,
                classifier ? null : nullIfNaN(score.meanAbsoluteError()),
                classifier ? null : nullIfNaN(score.rootMeanSquaredError()));
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
