package io.kadapt.training;

import io.kadapt.data.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What left one of the trainer's buffers, as of the last persisted point: how many samples (learned from or dropped),
 * how many of them were dropped, and which ids were learned from (digest), so a verifier can prove each sample was
 * learned from exactly once. The labelled target samples of feedback learning have one; each domain's
 * {@link DomainLedger} has one beside its statistics.
 */
final class SampleLedger {
    private long removed;
    private long dropped;
    private SampleIdDigest learned;

    SampleLedger() {
        this(0, 0, SampleIdDigest.EMPTY);
    }

    private SampleLedger(long removed, long dropped, SampleIdDigest learned) {
        this.removed = removed;
        this.dropped = dropped;
        this.learned = learned;
    }

    void recordLearned(Sample sample) {
        removed++;
        learned = learned.plus(sample.id());
    }

    void recordDropped() {
        removed++;
        dropped++;
    }

    long removed() {
        return removed;
    }

    long dropped() {
        return dropped;
    }

    SampleIdDigest learned() {
        return learned;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(removed);
        out.writeLong(dropped);
        learned.write(out);
    }

    static SampleLedger read(DataInputStream in) throws IOException {
        long removed = in.readLong();
        long dropped = in.readLong();
        return new SampleLedger(removed, dropped, SampleIdDigest.read(in));
    }
}
