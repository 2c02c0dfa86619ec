package io.kadapt.stream;

import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.serde.InboundDeserializer.Role;
import io.kadapt.stream.serde.ControlDeserializer;
import io.kadapt.stream.serde.InboundDeserializer;
import io.kadapt.stream.serde.InboundRecord;
import io.kadapt.stream.serde.JsonSerializer;
import io.kadapt.stream.serde.LabelRule;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.PredictionLedgerStore;
import io.kadapt.stream.state.ReplayMemoryStore;
import io.kadapt.stream.state.SampleBufferStore;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds kadapt's topology from its settings, with no I/O, so tests run the very topology the service runs:
 * three validating sources and the control topic's → one adaptation processor with four stores → predictions and
 * metrics sinks.
 * Rejected input never reaches the processor: the {@link io.kadapt.stream.dlq.DeadLetterRouter} sends it to
 * the dead-letter topic.
 */
public final class AdaptationTopology {
    static final String PREDICTIONS_SINK = "predictions-sink";
    static final String METRICS_SINK = "metrics-sink";
    private static final String PROCESSOR = "adaptation";
    private static final String CONTROL_SOURCE = "control-commands";

    /**
     * The changelog of the model store gets small segments so compaction can drop old model versions soon:
     * the model is rewritten at every commit.
     */
    private static final Map<String, String> MODEL_CHANGELOG = Map.of(
            "cleanup.policy", "compact", "segment.bytes", Integer.toString(64 * 1024 * 1024),
            "min.cleanable.dirty.ratio", "0.1");

    private AdaptationTopology() {
    }

    public static Topology build(AdaptationSettings settings, AdaptationMetrics metrics) {
        Topics topics = settings.topics();
        Topology topology = new Topology();
        String[] inputs = addInputSources(topology, settings);
        String[] parents = Arrays.copyOf(inputs, inputs.length + 1);
        parents[inputs.length] = addControlSource(topology, settings);
        topology.addProcessor(PROCESSOR, () -> new AdaptationProcessor(settings, metrics), parents);
        topology.addStateStore(store(ModelCheckpointStore.NAME).withCachingEnabled()
                .withLoggingEnabled(MODEL_CHANGELOG), PROCESSOR);
        topology.addStateStore(store(SampleBufferStore.NAME).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(store(PredictionLedgerStore.NAME).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(store(ReplayMemoryStore.NAME).withCachingEnabled(), PROCESSOR);
        topology.addSink(PREDICTIONS_SINK, topics.predictions(), new StringSerializer(), new JsonSerializer<>(),
                PROCESSOR);
        topology.addSink(METRICS_SINK, topics.metrics(), new StringSerializer(), new JsonSerializer<>(), PROCESSOR);
        return topology;
    }

    /**
     * The three validating sources (source samples, target samples, feedback labels), each decoding to an
     * {@link InboundRecord}; returns their node names, to be the parents of the processor that reads them.
     */
    public static String[] addInputSources(Topology topology, AdaptationSettings settings) {
        Topics topics = settings.topics();
        int dim = settings.modelSpec().inputDim();
        LabelRule labels = LabelRule.forSpec(settings.modelSpec(), settings.maxAbsFeature());
        topology.addSource("source-samples", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.SOURCE, dim, labels, settings.maxAbsFeature()), topics.source());
        topology.addSource("target-samples", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.TARGET, dim, labels, settings.maxAbsFeature()), topics.target());
        topology.addSource("feedback-labels", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.FEEDBACK, dim, labels, settings.maxAbsFeature()), topics.feedback());
        return new String[] {"source-samples", "target-samples", "feedback-labels"};
    }

    /**
     * The validating source of the control topic, decoding to {@link InboundRecord.Control}; returns its node name.
     * Its child must be the processor that owns the trainer: commands then apply in the control topic's log order,
     * and between the samples by timestamp like the other inputs.
     */
    public static String addControlSource(Topology topology, AdaptationSettings settings) {
        Set<String> terms = new TreeSet<>();
        settings.modelSpec().domainLosses().forEach(term -> terms.add(term.name()));
        topology.addSource(CONTROL_SOURCE, new ByteArrayDeserializer(), new ControlDeserializer(terms),
                settings.topics().control());
        return CONTROL_SOURCE;
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
    }
}
