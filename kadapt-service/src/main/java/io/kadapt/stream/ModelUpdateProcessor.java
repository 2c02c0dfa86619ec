package io.kadapt.stream;

import io.kadapt.model.ModelSpec;
import io.kadapt.serving.ServedModel;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the model topic's chunks in the global store and serves every version that becomes complete. On start it
 * serves the latest complete version the store holds: a global store's restore writes the topic straight into the
 * store without calling {@link #process}, so {@link #init} (which runs after the restore) must read the store.
 */
final class ModelUpdateProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateProcessor.class);

    private final ModelSpec spec;
    private final ServedModelHolder holder;
    private KeyValueStore<String, byte[]> store;

    ModelUpdateProcessor(ModelSpec spec, ServedModelHolder holder) {
        this.spec = spec;
        this.holder = holder;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(AdaptationTopology.MODEL_STORE);
        byte[] first = store.get(ModelChunks.key(0));
        if (first != null) {
            complete(first).ifPresent(this::serve);
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        store.put(record.key(), record.value());
        complete(record.value()).ifPresent(this::serve);
    }

    private Optional<ModelChunks.Version> complete(byte[] chunk) {
        try {
            return ModelChunks.assemble(ModelChunks.parse(chunk), store::get);
        } catch (IllegalArgumentException e) {
            LOG.warn("model topic: ignoring a record that is not a model chunk ({})", e.getMessage());
            return Optional.empty();
        }
    }

    private void serve(ModelChunks.Version version) {
        ServedModel model;
        try {
            model = ServedModel.decode(version.model());
        } catch (IllegalArgumentException e) {
            LOG.warn("model topic: ignoring model version at step {}: {}", version.step(), e.getMessage());
            return;
        }
        if (!model.fits(spec)) {
            LOG.warn("model topic: the model published at step {} does not fit this instance's model.* settings;"
                    + " still serving step {}", version.step(), holder.model().step());
            return;
        }
        holder.serve(model, version.steppedAtMs());
    }
}
