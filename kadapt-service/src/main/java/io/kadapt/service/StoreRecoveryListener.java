package io.kadapt.service;

import io.kadapt.metrics.AdaptationMetrics;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Counts and logs what Kafka Streams replays from the changelogs: restores of active tasks (a restore from offset 0
 * of a long changelog means the model was rebuilt from scratch) and the updates a standby applies to its copy
 * (KIP-988), which are what let a standby take over without that.
 */
final class StoreRecoveryListener implements StateRestoreListener, StandbyUpdateListener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRecoveryListener.class);

    private final AdaptationMetrics metrics;

    StoreRecoveryListener(AdaptationMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        // A fresh application restores empty changelogs: only a restore with something to replay is news.
        LOG.atLevel(endingOffset > startingOffset ? Level.INFO : Level.DEBUG).log(
                "restoring store {} from {} offsets {}..{} ({} to replay at most)", store, partition, startingOffset,
                endingOffset, endingOffset - startingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        metrics.restored(store, numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        LOG.atLevel(totalRestored > 0 ? Level.INFO : Level.DEBUG).log("restored store {} from {}: {} records", store,
                partition, totalRestored);
    }

    @Override
    public void onUpdateStart(TopicPartition partition, String store, long startingOffset) {
        LOG.info("standby of store {} following {} from offset {}", store, partition, startingOffset);
    }

    @Override
    public void onBatchLoaded(TopicPartition partition, String store, TaskId task, long batchEndOffset, long batchSize,
                              long currentEndOffset) {
        metrics.standbyUpdated(store, batchSize);
    }

    @Override
    public void onUpdateSuspended(TopicPartition partition, String store, long storeOffset, long currentEndOffset,
                                  SuspendReason reason) {
        LOG.info("standby of store {} ({}) suspended at offset {} of {}: {}", store, partition, storeOffset,
                currentEndOffset, reason);
    }
}
