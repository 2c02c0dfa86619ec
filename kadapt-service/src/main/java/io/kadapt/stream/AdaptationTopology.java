package io.kadapt.stream;

import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.serde.ControlDeserializer;
import io.kadapt.stream.serde.InboundDeserializer;
import io.kadapt.stream.serde.InboundDeserializer.Role;
import io.kadapt.stream.serde.JsonSerializer;
import io.kadapt.stream.serde.LabelRule;
import io.kadapt.stream.serde.TrainingRecordSerde;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.PredictionLedgerStore;
import io.kadapt.stream.state.ReplayMemoryStore;
import io.kadapt.stream.state.SampleBufferStore;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds kadapt's two topologies from its settings, with no I/O, so tests run the very topologies the service runs.
 *
 * <p><b>Prediction</b> (one task per input partition, on every instance): the target topic's validating source →
 * {@link PredictorProcessor} → the predictions topic, and the predicted sample → the training topic; source samples,
 * feedback labels and runtime control commands (the control topic) → {@link TrainingForwarder} → the training
 * topic; the model topic → a global store whose
 * {@link ModelUpdateProcessor} swaps the model every predictor serves. Rejected input goes to the dead-letter topic
 * ({@link io.kadapt.stream.dlq.DeadLetterRouter}) and never further.
 *
 * <p><b>Training</b> (one task: the training topic has one partition): training topic → {@link TrainerProcessor} with
 * its four stores → the model topic and the metrics topic (step records, and one acknowledgement per control
 * command). Control commands travel on the training topic so that they sit in the one log the trainer reads, in
 * order among the samples, and a replay of that log applies them again at the same points.
 *
 * <p>The service runs them as two Kafka Streams applications so that training never holds up a prediction thread;
 * {@link #whole} joins them into one topology for the topology test driver, which routes the training and model
 * topics between the halves itself.
 */
public final class AdaptationTopology {
    static final String PREDICTIONS_SINK = "predictions-sink";
    static final String TRAINING_SINK = "training-sink";
    static final String METRICS_SINK = "metrics-sink";
    static final String MODEL_SINK = "model-sink";
    /** The global store of model chunks. */
    public static final String MODEL_STORE = "kadapt-served-model";
    private static final String PREDICTOR = "predictor";
    private static final String TRAINER = "trainer";
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

    /** The prediction application's topology. */
    public static Topology prediction(AdaptationSettings settings, AdaptationMetrics metrics, ServedModelHolder models) {
        return addPrediction(new Topology(), settings, metrics, models);
    }

    /** The training application's topology. */
    public static Topology training(AdaptationSettings settings, AdaptationMetrics metrics) {
        return addTraining(new Topology(), settings, metrics);
    }

    /** Both halves in one topology: for the topology test driver only. */
    public static Topology whole(AdaptationSettings settings, AdaptationMetrics metrics, ServedModelHolder models) {
        return addTraining(addPrediction(new Topology(), settings, metrics, models), settings, metrics);
    }

    private static Topology addPrediction(Topology topology, AdaptationSettings settings, AdaptationMetrics metrics,
                                          ServedModelHolder models) {
        Topics topics = settings.topics();
        InputSources inputs = addInputSources(topology, settings);
        String control = addControlSource(topology, settings);
        topology.addProcessor(PREDICTOR, () -> new PredictorProcessor(models, metrics), inputs.target());
        topology.addSink(PREDICTIONS_SINK, topics.predictions(), new StringSerializer(), new JsonSerializer<>(),
                PREDICTOR);
        topology.addSink(TRAINING_SINK, topics.training(), new StringSerializer(), new TrainingRecordSerde(),
                PREDICTOR);
        for (String input : new String[] {inputs.source(), inputs.feedback(), control}) {
            String forwarder = input + "-forwarder";
            topology.addProcessor(forwarder, () -> new TrainingForwarder(metrics), input);
            // A sink of its own per forwarder: a shared sink would join the inputs into one sub-topology.
            topology.addSink(forwarder + "-sink", topics.training(), new StringSerializer(),
                    new TrainingRecordSerde(), forwarder);
        }
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                "model-source", new StringDeserializer(), new ByteArrayDeserializer(), topics.model(), "model-updater",
                () -> new ModelUpdateProcessor(settings.modelSpec(), models));
        return topology;
    }

    private static Topology addTraining(Topology topology, AdaptationSettings settings, AdaptationMetrics metrics) {
        Topics topics = settings.topics();
        topology.addSource("training-records", new StringDeserializer(), new TrainingRecordSerde(), topics.training());
        topology.addProcessor(TRAINER, () -> new TrainerProcessor(settings, metrics), "training-records");
        topology.addStateStore(store(ModelCheckpointStore.NAME).withCachingEnabled()
                .withLoggingEnabled(MODEL_CHANGELOG), TRAINER);
        topology.addStateStore(store(SampleBufferStore.NAME).withCachingEnabled(), TRAINER);
        topology.addStateStore(store(PredictionLedgerStore.NAME).withCachingEnabled(), TRAINER);
        topology.addStateStore(store(ReplayMemoryStore.NAME).withCachingEnabled(), TRAINER);
        topology.addSink(MODEL_SINK, topics.model(), new StringSerializer(), new ByteArraySerializer(), TRAINER);
        topology.addSink(METRICS_SINK, topics.metrics(), new StringSerializer(), new JsonSerializer<>(), TRAINER);
        return topology;
    }

    /** The names of the three validating source nodes. */
    public record InputSources(String source, String target, String feedback) {
    }

    /**
     * The three validating sources (source samples, target samples, feedback labels), each decoding to an
     * {@link io.kadapt.stream.serde.InboundRecord}.
     */
    public static InputSources addInputSources(Topology topology, AdaptationSettings settings) {
        Topics topics = settings.topics();
        int dim = settings.modelSpec().inputDim();
        LabelRule labels = LabelRule.forSpec(settings.modelSpec(), settings.maxAbsFeature());
        topology.addSource("source-samples", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.SOURCE, dim, labels, settings.maxAbsFeature()), topics.source());
        topology.addSource("target-samples", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.TARGET, dim, labels, settings.maxAbsFeature()), topics.target());
        topology.addSource("feedback-labels", new ByteArrayDeserializer(),
                new InboundDeserializer(Role.FEEDBACK, dim, labels, settings.maxAbsFeature()), topics.feedback());
        return new InputSources("source-samples", "target-samples", "feedback-labels");
    }

    /**
     * The validating source of the control topic, decoding to {@link io.kadapt.stream.serde.InboundRecord.Control}
     * (invalid commands to the dead-letter topic, by the forwarder); returns its node name.
     */
    private static String addControlSource(Topology topology, AdaptationSettings settings) {
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
