package io.kadapt.stream;

import io.kadapt.data.Domain;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.dlq.RejectedRecordException;
import io.kadapt.stream.serde.InboundRecord;
import io.kadapt.stream.serde.TrainingRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hands valid source samples, feedback labels and control commands, from any number of partitions, on to the one
 * trainer; invalid ones go to the dead-letter topic here, so the trainer only ever reads valid records. A control
 * command carries where it was read (topic, partition, offset) for its acknowledgement.
 */
final class TrainingForwarder implements Processor<byte[], InboundRecord, String, TrainingRecord> {
    private final AdaptationMetrics metrics;
    private ProcessorContext<String, TrainingRecord> context;

    TrainingForwarder(AdaptationMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, TrainingRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], InboundRecord> record) {
        String id;
        TrainingRecord forwarded;
        if (record.value() instanceof InboundRecord.Rejected rejected) {
            throw new RejectedRecordException(rejected.reason(), rejected.detail());
        } else if (record.value() instanceof InboundRecord.DomainSample sample && sample.domain() == Domain.SOURCE) {
            metrics.sampleConsumed(Domain.SOURCE);
            id = sample.sample().id();
            forwarded = new TrainingRecord.Source(sample.sample());
        } else if (record.value() instanceof InboundRecord.FeedbackLabel label) {
            id = label.id();
            forwarded = new TrainingRecord.Feedback(label.id(), label.label());
        } else if (record.value() instanceof InboundRecord.Control control) {
            var origin = context.recordMetadata().orElseThrow();
            id = control.id();
            forwarded = new TrainingRecord.Control(control.id(), control.command(), control.issuedBy(), control.note(),
                    origin.topic(), origin.partition(), origin.offset());
        } else {
            throw new IllegalStateException("target samples go through the predictor, not the forwarder");
        }
        // Stamped with the time it was handed on, as the predictor does: the trainer's lag is measured from then.
        context.forward(new Record<>(id, forwarded, context.currentSystemTimeMs()));
    }
}
