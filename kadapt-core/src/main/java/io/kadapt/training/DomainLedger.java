package io.kadapt.training;

import io.kadapt.data.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What one domain's stream has contributed to the model, as of the last persisted point: how many of its
 * samples left the buffer (trained or dropped), which ids were trained (digest), and the running
 * statistics of every sample that left the buffer, in arrival order.
 */
final class DomainLedger {
    private long removed;
    private long dropped;
    private SampleIdDigest trained;
    private final RunningStandardizer removedStatistics;

    DomainLedger(int dimension) {
        this(0, 0, SampleIdDigest.EMPTY, new RunningStandardizer(dimension));
    }

    private DomainLedger(long removed, long dropped, SampleIdDigest trained, RunningStandardizer statistics) {
        this.removed = removed;
        this.dropped = dropped;
        this.trained = trained;
        this.removedStatistics = statistics;
    }

    void recordTrained(Sample sample) {
        removed++;
        trained = trained.plus(sample.id());
        removedStatistics.add(sample.features());
    }

    void recordDropped(Sample sample) {
        removed++;
        dropped++;
        removedStatistics.add(sample.features());
    }

    long removed() {
        return removed;
    }

    long dropped() {
        return dropped;
    }

    SampleIdDigest trained() {
        return trained;
    }

    RunningStandardizer removedStatistics() {
        return removedStatistics;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(removed);
        out.writeLong(dropped);
        out.writeLong(trained.count());
        out.writeLong(trained.sum());
        out.writeLong(trained.xor());
        removedStatistics.write(out);
    }

    static DomainLedger read(DataInputStream in) throws IOException {
        long removed = in.readLong();
        long dropped = in.readLong();
        SampleIdDigest digest = new SampleIdDigest(in.readLong(), in.readLong(), in.readLong());
        return new DomainLedger(removed, dropped, digest, RunningStandardizer.read(in));
    }
}
