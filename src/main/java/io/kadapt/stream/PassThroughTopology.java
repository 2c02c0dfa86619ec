package io.kadapt.stream;

import io.kadapt.stream.serde.InboundDeserializer;
import io.kadapt.stream.serde.LabelRule;
import io.kadapt.stream.serde.InboundDeserializer.Role;
import io.kadapt.stream.serde.JsonSerializer;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.training.Domain;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The baseline of {@code kadapt bench perf}: kadapt's topics, deserializers and prediction serializer, but no
 * model and no stores — every target sample becomes a constant prediction. What Kafka Streams costs on its own.
 */
public final class PassThroughTopology {
    private static final String PROCESSOR = "pass-through";

    private PassThroughTopology() {
    }

    public static Topology build(AdaptationSettings settings) {
        Topics topics = settings.topics();
        int dim = settings.modelSpec().inputDim();
        LabelRule labels = LabelRule.forSpec(settings.modelSpec(), settings.maxAbsFeature());
        Topology topology = new Topology();
        topology.addSource("source-samples", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.SOURCE, dim, labels, settings.maxAbsFeature()), topics.source());
        topology.addSource("target-samples", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.TARGET, dim, labels, settings.maxAbsFeature()), topics.target());
        topology.addSource("feedback-labels", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.FEEDBACK, dim, labels, settings.maxAbsFeature()), topics.feedback());
        int classes = settings.modelSpec().numClasses();
        float[] uniform = new float[classes];
        java.util.Arrays.fill(uniform, 1.0f / classes);
        topology.addProcessor(PROCESSOR, () -> new Processor<byte[], InboundRecord, String, PredictionMessage>() {
            private ProcessorContext<String, PredictionMessage> context;

            @Override
            public void init(ProcessorContext<String, PredictionMessage> context) {
                this.context = context;
            }

            @Override
            public void process(Record<byte[], InboundRecord> record) {
                if (record.value() instanceof InboundRecord.DomainSample s && s.domain() == Domain.TARGET) {
                    long now = context.currentSystemTimeMs();
                    String id = s.sample().id();
                    context.forward(new Record<>(id, new PredictionMessage(id, 0, uniform, 0,
                            Math.max(0, now - record.timestamp())), now));
                }
            }
        }, "source-samples", "target-samples", "feedback-labels");
        topology.addSink("predictions-sink", topics.predictions(), new StringSerializer(), new JsonSerializer<>(),
                PROCESSOR);
        return topology;
    }
}
