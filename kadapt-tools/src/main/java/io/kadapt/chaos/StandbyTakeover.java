package io.kadapt.chaos;

import java.time.Duration;

/**
 * The failover of a standby run: the active instance was SIGKILLed, the other took its task.
 *
 * @param atPredictions      committed predictions just before the kill
 * @param standbyRecords     changelog records the survivor had applied to its standby copies before the kill
 * @param changelogRecords   end offsets of the application's changelog partitions, summed, at the kill: what a
 *                           restore from scratch would replay (transaction markers included)
 * @param restoredRecords    changelog records the survivor replayed when it became active
 * @param takeover           from the kill until the survivor committed its next prediction (or finished)
 */
public record StandbyTakeover(int atPredictions, long standbyRecords, long changelogRecords, long restoredRecords,
                              Duration takeover) {
    /** A warm takeover replays at most this share of the changelog; from scratch it replays all of it. */
    static final double MAX_RESTORED_SHARE = 0.25;

    boolean warm() {
        return standbyRecords > 0 && restoredRecords <= MAX_RESTORED_SHARE * changelogRecords;
    }

    @Override
    public String toString() {
        return String.format("active SIGKILLed at %d predictions; the survivor had applied %d standby records, "
                        + "replayed %d of %d changelog records on takeover, committed again %.1f s after the kill",
                atPredictions, standbyRecords, restoredRecords, changelogRecords, takeover.toMillis() / 1000.0);
    }
}
