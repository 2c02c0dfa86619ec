package io.kadapt.stream;

import io.kadapt.data.Domain;
import io.kadapt.data.Prediction;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.serving.ServedModel;
import io.kadapt.stream.dlq.RejectedRecordException;
import io.kadapt.stream.serde.InboundRecord;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.stream.serde.TrainingRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The prediction path of one target partition: predicts each valid target sample with the model this instance
 * serves now, publishes the prediction, then hands the sample and its prediction on to the trainer. It never waits
 * for training: the trainer runs in another Kafka Streams application on its own thread. Records go to the training
 * topic stamped with the time they were handed on, so the trainer's lag is its own, whatever the input's timestamps.
 */
final class PredictorProcessor implements Processor<byte[], InboundRecord, String, Object> {
    private final ServedModelHolder models;
    private final AdaptationMetrics metrics;
    private ServedModel.Scratch scratch;
    private ProcessorContext<String, Object> context;

    PredictorProcessor(ServedModelHolder models, AdaptationMetrics metrics) {
        this.models = models;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        scratch = models.model().scratch();
        metrics.predictionCounter(context.taskId().partition()); // a series from the start, not from the first record
    }

    @Override
    public void process(Record<byte[], InboundRecord> record) {
        if (record.value() instanceof InboundRecord.Rejected rejected) {
            throw new RejectedRecordException(rejected.reason(), rejected.detail());
        }
        if (!(record.value() instanceof InboundRecord.DomainSample sample)) {
            throw new IllegalStateException("the target topic's source decodes target samples only");
        }
        long started = System.nanoTime();
        long now = context.currentSystemTimeMs();
        Prediction prediction = models.forPrediction(now).predict(sample.sample().id(), sample.sample().features(),
                scratch);
        double latencyMs = Math.max(0, now - record.timestamp());
        context.forward(new Record<>(prediction.id(), PredictionMessage.of(prediction, latencyMs), now),
                AdaptationTopology.PREDICTIONS_SINK);
        context.forward(new Record<String, Object>(prediction.id(),
                        new TrainingRecord.Target(sample.sample(), prediction.predicted(),
                                prediction.probabilities(), prediction.modelStep()),
                        now),
                AdaptationTopology.TRAINING_SINK);
        metrics.sampleConsumed(Domain.TARGET);
        metrics.predictionPublished(latencyMs, context.recordMetadata().map(m -> m.partition()).orElse(-1),
                System.nanoTime() - started);
    }
}
