package io.kadapt.training;

import io.kadapt.data.Sample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What one domain's stream has contributed to the model, as of the last persisted point: which of its samples left
 * the buffer (trained or dropped, {@link SampleLedger}), and the running statistics of every sample that left the
 * buffer, in arrival order.
 */
final class DomainLedger {
    private final SampleLedger samples;
    private final RunningStandardizer removedStatistics;

    DomainLedger(int dimension) {
        this(new SampleLedger(), new RunningStandardizer(dimension));
    }

    private DomainLedger(SampleLedger samples, RunningStandardizer statistics) {
        this.samples = samples;
        this.removedStatistics = statistics;
    }

    void recordTrained(Sample sample) {
        samples.recordLearned(sample);
        removedStatistics.add(sample.features());
    }

    void recordDropped(Sample sample) {
        samples.recordDropped();
        removedStatistics.add(sample.features());
    }

    long removed() {
        return samples.removed();
    }

    long dropped() {
        return samples.dropped();
    }

    SampleIdDigest trained() {
        return samples.learned();
    }

    RunningStandardizer removedStatistics() {
        return removedStatistics;
    }

    void write(DataOutputStream out) throws IOException {
        samples.write(out);
        removedStatistics.write(out);
    }

    static DomainLedger read(DataInputStream in) throws IOException {
        SampleLedger samples = SampleLedger.read(in);
        return new DomainLedger(samples, RunningStandardizer.read(in));
    }
}
