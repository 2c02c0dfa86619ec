package io.kadapt.bench;

import io.kadapt.data.Domain;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.AdaptationTopology;
import io.kadapt.stream.serde.InboundRecord;
import io.kadapt.stream.serde.JsonSerializer;
import io.kadapt.stream.serde.PredictionMessage;
import java.util.Arrays;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The baseline of {@code kadapt bench perf}: kadapt's topics, deserializers and prediction serializer, but no
 * model, no trainer and no stores — every target sample becomes a constant prediction. What Kafka Streams costs on its
 * own.
 */
public final class PassThroughTopology {
    private static final String PROCESSOR = "pass-through";

    private PassThroughTopology() {
    }

    public static Topology build(AdaptationSettings settings) {
        Topology topology = new Topology();
        AdaptationTopology.InputSources inputs = AdaptationTopology.addInputSources(topology, settings);
        int classes = settings.modelSpec().numClasses();
        float[] uniform = new float[classes];
        Arrays.fill(uniform, 1.0f / classes);
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
        }, inputs.target());
        // Source samples and labels are read and decoded as kadapt's prediction application reads them, then dropped.
        for (String input : new String[] {inputs.source(), inputs.feedback()}) {
            topology.addProcessor(input + "-discard", Discard::new, input);
        }
        topology.addSink("predictions-sink", settings.topics().predictions(), new StringSerializer(), new JsonSerializer<>(),
                PROCESSOR);
        return topology;
    }

    /** Reads a record and does nothing with it. */
    private static final class Discard implements Processor<byte[], InboundRecord, Void, Void> {
        @Override
        public void process(Record<byte[], InboundRecord> record) {
            // dropped: the pass-through predicts targets only
        }
    }
}
