package io.kadapt.training;

import io.kadapt.data.Domain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The trainer's persisted bookkeeping beside the model parameters: per-domain ledgers, the number of
 * skipped (non-finite) steps and the settings runtime control commands changed ({@link RuntimeOverrides}). Samples
 * still waiting in the buffer are not in here: they live in their own
 * store and are re-applied on restore.
 */
public final class TrainerState {
    private static final int MAGIC = 0x4b445453; // "KDTS"
    /**
     * Version 2 added the runtime overrides, version 3 the feedback ledger and the guard's state; older states decode
     * with none, a fresh ledger and a fresh guard.
     */
    private static final int VERSION = 3;

    private final Map<Domain, DomainLedger> ledgers;
    private final RuntimeOverrides overrides;
    private final SampleLedger feedback;
    private byte[] guard;
    private long skippedSteps;

    private TrainerState(Map<Domain, DomainLedger> ledgers, long skippedSteps, RuntimeOverrides overrides,
                         SampleLedger feedback, byte[] guard) {
        this.ledgers = ledgers;
        this.skippedSteps = skippedSteps;
        this.overrides = overrides;
        this.feedback = feedback;
        this.guard = guard;
    }

    public static TrainerState fresh(int dimension) {
        Map<Domain, DomainLedger> ledgers = new EnumMap<>(Domain.class);
        for (Domain domain : Domain.values()) {
            ledgers.put(domain, new DomainLedger(dimension));
        }
        return new TrainerState(ledgers, 0, new RuntimeOverrides(), new SampleLedger(), new byte[0]);
    }

    DomainLedger ledger(Domain domain) {
        return ledgers.get(domain);
    }

    SampleLedger feedback() {
        return feedback;
    }

    /** The guard's encoded state ({@link NegativeTransferGuard#encode}); empty before it ever had any. */
    byte[] guard() {
        return guard;
    }

    void guard(byte[] encoded) {
        guard = encoded;
    }

    void recordSkippedStep() {
        skippedSteps++;
    }

    /** The settings runtime control commands changed. */
    public RuntimeOverrides overrides() {
        return overrides;
    }

    public long skippedSteps() {
        return skippedSteps;
    }

    /** Ids trained on so far, per domain: the exactly-once fingerprint. */
    public SampleIdDigest trainedDigest(Domain domain) {
        return ledgers.get(domain).trained();
    }

    public long droppedSamples(Domain domain) {
        return ledgers.get(domain).dropped();
    }

    /** Ids of labelled target samples learned from so far (feedback learning): the exactly-once fingerprint. */
    public SampleIdDigest learnedFeedbackDigest() {
        return feedback.learned();
    }

    /** Labelled target samples dropped from the full labelled buffer, never learned from. */
    public long droppedFeedback() {
        return feedback.dropped();
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(skippedSteps);
            for (Domain domain : Domain.values()) {
                ledgers.get(domain).write(out);
            }
            overrides.write(out);
            feedback.write(out);
            out.writeInt(guard.length);
            out.write(guard);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static TrainerState decode(byte[] encoded, int expectedDimension) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int version = in.readInt() == MAGIC ? in.readInt() : -1;
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("not a kadapt trainer state (or written by another version)");
            }
            long skipped = in.readLong();
            Map<Domain, DomainLedger> ledgers = new EnumMap<>(Domain.class);
            for (Domain domain : Domain.values()) {
                DomainLedger ledger = DomainLedger.read(in);
                if (ledger.removedStatistics().dimension() != expectedDimension) {
                    throw new IllegalArgumentException("stored trainer state has " + ledger.removedStatistics().dimension()
                            + " features but model.input-dim is " + expectedDimension);
                }
                ledgers.put(domain, ledger);
            }
            RuntimeOverrides overrides = version == 1 ? new RuntimeOverrides() : RuntimeOverrides.read(in);
            SampleLedger feedback = version < 3 ? new SampleLedger() : SampleLedger.read(in);
            byte[] guard = version < 3 ? new byte[0] : in.readNBytes(in.readInt());
            return new TrainerState(ledgers, skipped, overrides, feedback, guard);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt trainer state: " + e.getMessage(), e);
        }
    }
}
