package io.kadapt.stream;

import io.kadapt.data.Domain;
import io.kadapt.model.ModelSnapshot;
import io.kadapt.model.ModelSpec;
import io.kadapt.model.TransferModel;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.ReplayMemoryStore;
import io.kadapt.stream.state.SampleBufferStore;
import io.kadapt.training.OnlineTrainer;
import io.kadapt.training.TrainerState;
import io.kadapt.serving.ServedModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The trainer as the processor's stores hold it: model checkpoint, trainer state, buffered samples (labelled target
 * ones too) and replay memories. The processor (re)loads itself with this on every start, and tools that read a finished model out of
 * the stores (the quality benchmark) use the same code, so they see the model and the per-domain statistics the
 * service predicts with.
 */
public final class StoredTrainer {
    private StoredTrainer() {
    }

    /**
     * What an instance predicts with before the trainer has published: the deterministic initial model (the seeded
     * draw, or {@code model.init-file}) with the statistics of no samples, as a fresh trainer would export it.
     */
    public static ServedModel initialModel(AdaptationSettings settings) {
        int dimension = settings.modelSpec().inputDim();
        TransferModel model = initialise(settings, settings.modelSpec());
        try (OnlineTrainer fresh = new OnlineTrainer(settings.training(), model, TrainerState.fresh(dimension),
                List.of(), List.of())) {
            return ServedModel.of(fresh.export());
        }
    }

    private static TransferModel initialise(AdaptationSettings settings, ModelSpec spec) {
        return settings.warmStart().isEmpty() ? TransferModel.initialise(spec)
                : TransferModel.initialise(spec, settings.warmStart());
    }

    /**
     * The guard's shadow: as stored, or freshly initialised (a checkpoint from before the guard, or the guard just
     * switched on); none with the guard off.
     */
    public static TransferModel shadow(AdaptationSettings settings,
                                        Optional<ModelCheckpointStore.Checkpoint> checkpoint) {
        if (!settings.training().guard().enabled()) {
            return null;
        }
        ModelSpec spec = settings.modelSpec().sourceOnly();
        return checkpoint.isPresent() && checkpoint.get().shadow() != null
                ? TransferModel.restore(spec, ModelSnapshot.decode(checkpoint.get().shadow()))
                : initialise(settings, spec);
    }

    /** The stored trainer, or a freshly initialised one when the stores hold no checkpoint. */
    public static OnlineTrainer restore(AdaptationSettings settings,
                                        Function<String, KeyValueStore<String, byte[]>> stores) {
        var checkpoint = new ModelCheckpointStore(stores.apply(ModelCheckpointStore.NAME)).load();
        SampleBufferStore buffer = new SampleBufferStore(stores.apply(SampleBufferStore.NAME));
        ReplayMemoryStore replay = new ReplayMemoryStore(stores.apply(ReplayMemoryStore.NAME));
        int dimension = settings.modelSpec().inputDim();
        TransferModel model;
        TrainerState state;
        if (checkpoint.isPresent()) {
            model = TransferModel.restore(settings.modelSpec(), ModelSnapshot.decode(checkpoint.get().model()));
            state = TrainerState.decode(checkpoint.get().trainer(), dimension);
        } else {
            model = initialise(settings, settings.modelSpec());
            state = TrainerState.fresh(dimension);
        }
        return new OnlineTrainer(settings.training(), model, shadow(settings, checkpoint), state,
                buffer.loadInOrder(Domain.SOURCE), buffer.loadInOrder(Domain.TARGET),
                Map.of(Domain.SOURCE, replay.load(Domain.SOURCE.tag()), Domain.TARGET, replay.load(Domain.TARGET.tag())),
                new OnlineTrainer.StoredFeedback(buffer.loadLabelledInOrder(), replay.load(OnlineTrainer.FEEDBACK)));
    }
}
