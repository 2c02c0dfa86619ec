package io.kadapt.stream;

import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.dlq.RejectedRecordException;
import io.kadapt.stream.serde.ControlAckMessage;
import io.kadapt.stream.serde.TrainingRecord;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.training.ControlCommand;
import io.kadapt.training.ControlEffect;
import io.kadapt.training.OnlineTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one runtime control command to the trainer, persists the changed settings in the trainer state (the
 * changelogged {@code kadapt-model} store, so under exactly-once the change, its acknowledgement and the command's
 * offset commit together), and builds the acknowledgement, the audit record, for the metrics topic. Logs and counts
 * each command. The {@link TrainerProcessor} calls it for each command it reads on the training topic.
 */
final class ControlApplier {
    private static final Logger LOG = LoggerFactory.getLogger(ControlApplier.class);

    private final ModelCheckpointStore checkpoints;
    private final AdaptationMetrics metrics;

    /** The acknowledgement to forward, keyed; {@code commitNow} for a snapshot. */
    record Applied(String key, ControlAckMessage ack, boolean commitNow) {
    }

    ControlApplier(ModelCheckpointStore checkpoints, AdaptationMetrics metrics) {
        this.checkpoints = checkpoints;
        this.metrics = metrics;
    }

    /**
     * @param control   the command as the trainer read it from the training topic, with its place on the control
     *                  topic (for the audit record)
     * @param timestamp the acknowledgement's timestamp
     */
    Applied apply(TrainingRecord.Control control, OnlineTrainer trainer, long timestamp, Object taskId) {
        String topic = control.topic();
        int partition = control.partition();
        long offset = control.offset();
        ControlEffect effect;
        try {
            effect = trainer.apply(control.command());
        } catch (IllegalArgumentException e) { // the deserializer checks the terms; this is the trainer's own guard
            throw new RejectedRecordException(RejectReason.UNKNOWN_TERM, e.getMessage());
        }
        boolean snapshot = control.command() instanceof ControlCommand.Snapshot;
        if (snapshot) {
            checkpoints.save(trainer);
        } else {
            checkpoints.saveState(trainer);
        }
        ControlAckMessage ack = new ControlAckMessage(ControlAckMessage.TYPE, control.id(), effect.command(),
                control.issuedBy(), control.note(), effect.term(), effect.setting(), effect.oldValue(),
                effect.newValue(), effect.modelStep(), effect.paused(), topic, partition, offset, timestamp);
        LOG.info("task {}: control {} '{}' by {} at {}-{} offset {}: {} {} -> {} at model step {}", taskId,
                effect.command(), control.id(), control.issuedBy(), topic, partition, offset, effect.setting(),
                effect.oldValue(), effect.newValue(), effect.modelStep());
        metrics.controlApplied(effect.command());
        metrics.runtimeSettings(effect.paused(), trainer.model().learningRate());
        return new Applied(ControlAckMessage.KEY_PREFIX + control.id(), ack, snapshot);
    }
}
