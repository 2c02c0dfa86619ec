package io.kadapt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.training.NegativeTransferGuard.Candidate;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The guard's decisions: evidence windows, hysteresis, which evidence counts, and persistence. */
@Tag("unit")
class NegativeTransferGuardTest {
    private static final GuardSettings SETTINGS = new GuardSettings(true, 8, 0.1, 0.1);

    /** {@code n} labelled samples, a fraction {@code errors} of them wrong (the first ones). */
    private static double[] errors(int n, double errors) {
        double[] losses = new double[n];
        Arrays.fill(losses, 0, (int) Math.round(n * errors), 1.0);
        return losses;
    }

    @Test
    @DisplayName("feedback: switches once the shadow errs less by more than the margin, significantly, over enough labels")
    void feedbackSwitch() {
        NegativeTransferGuard guard = new NegativeTransferGuard(SETTINGS, 4, false);
        assertEquals(Optional.empty(), guard.feedback(errors(4, 0.5), errors(4, 0)), "half a window decides nothing");
        Optional<NegativeTransferGuard.Switch> change = guard.feedback(errors(4, 0.5), errors(4, 0));
        assertTrue(change.isPresent());
        assertEquals(Candidate.ADAPTED, change.get().from());
        assertEquals(Candidate.SOURCE_ONLY, guard.serving());
        assertEquals(0.5, change.get().fromScore(), 1e-12);
        assertEquals(0.0, change.get().toScore(), 1e-12);
        assertEquals(NegativeTransferGuard.FEEDBACK_ERROR, change.get().criterion());
        assertEquals(1, guard.switches());

        // The adapted model is better again at once, but a switch back needs a full window since the switch
        assertEquals(Optional.empty(), guard.feedback(errors(4, 0), errors(4, 0.5)));
        assertEquals(Candidate.ADAPTED, guard.feedback(errors(4, 0), errors(4, 0.5)).orElseThrow().to());
        assertEquals(2, guard.switches());
    }

    @Test
    @DisplayName("hysteresis: a difference within the margin never switches")
    void withinMargin() {
        // 25 % against 12.5 % errors: 0.125 apart, within a margin of 0.15 ...
        NegativeTransferGuard guard = new NegativeTransferGuard(new GuardSettings(true, 8, 0.15, 0.1), 4, false);
        for (int i = 0; i < 10; i++) {
            assertEquals(Optional.empty(), guard.feedback(errors(8, 0.25), errors(8, 0.125)));
        }
        assertEquals(Candidate.ADAPTED, guard.serving());
        // ... and beyond the test margin of 0.1, but one discordant label in 8 is no evidence (McNemar z = 1) ...
        assertEquals(Optional.empty(), new NegativeTransferGuard(SETTINGS, 4, false).feedback(errors(8, 0.25),
                errors(8, 0.125)));
        // ... four in 16 are (z = 2)
        assertTrue(new NegativeTransferGuard(new GuardSettings(true, 16, 0.1, 0.1), 4, false)
                .feedback(errors(16, 0.375), errors(16, 0.125)).isPresent());
    }

    @Test
    @DisplayName("feedback decides from 32 labels on, long before a window of 256, on significant evidence only")
    void sequentialEvidence() {
        GuardSettings defaults = new GuardSettings(true, 256, 0.02, 0.15);
        NegativeTransferGuard guard = new NegativeTransferGuard(defaults, 32, false);
        assertEquals(Optional.empty(), guard.feedback(errors(16, 0.5), errors(16, 0)), "16 labels decide nothing");
        NegativeTransferGuard.Switch change = guard.feedback(errors(16, 0.5), errors(16, 0)).orElseThrow();
        assertEquals(Candidate.SOURCE_ONLY, change.to());
        assertEquals(0.5, change.fromScore(), 1e-12);

        // The better model served: the other never wins on 2,000 labels, whatever the noise of the paired errors
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        NegativeTransferGuard healthy = new NegativeTransferGuard(defaults, 32, false);
        for (int batch = 0; batch < 125; batch++) {
            double[] adapted = new double[16];
            double[] shadow = new double[16];
            for (int i = 0; i < 16; i++) {
                adapted[i] = random.nextDouble() < 0.20 ? 1 : 0;
                shadow[i] = random.nextDouble() < 0.30 ? 1 : 0;
            }
            assertEquals(Optional.empty(), healthy.feedback(adapted, shadow), "batch " + batch);
        }
    }

    @Test
    @DisplayName("without labels: information maximisation over the window decides; once labels could decide it no longer does")
    void labelFree() {
        float[][] confidentDiverse = {{0.95f, 0.05f}, {0.05f, 0.95f}, {0.95f, 0.05f}, {0.05f, 0.95f}};
        float[][] collapsed = {{0.99f, 0.01f}, {0.99f, 0.01f}, {0.99f, 0.01f}, {0.99f, 0.01f}};
        NegativeTransferGuard guard = new NegativeTransferGuard(SETTINGS, 4, false);
        assertEquals(Optional.empty(), guard.targetBatch(collapsed, confidentDiverse));
        NegativeTransferGuard.Switch change = guard.targetBatch(collapsed, confidentDiverse).orElseThrow();
        assertEquals(NegativeTransferGuard.INFORMATION, change.criterion());
        assertEquals(Candidate.SOURCE_ONLY, change.to());
        // IM of the diverse batch: H(mean) = log 2, mean H = H(0.95, 0.05)
        double h = -(0.95 * Math.log(0.95) + 0.05 * Math.log(0.05));
        assertEquals(Math.log(2) - h, change.toScore(), 1e-6);

        // The label-free margin is a fraction of ln C: 0.8 · ln 2 = 0.55 nats is more than the 0.49 between them
        NegativeTransferGuard cautious = new NegativeTransferGuard(new GuardSettings(true, 8, 0.1, 0.8), 4, false);
        for (int i = 0; i < 6; i++) {
            assertEquals(Optional.empty(), cautious.targetBatch(collapsed, confidentDiverse));
        }

        NegativeTransferGuard labelled = new NegativeTransferGuard(SETTINGS, 4, false);
        labelled.feedback(errors(8, 0.25), errors(8, 0.25));
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), labelled.targetBatch(collapsed, confidentDiverse));
        }
        assertEquals(Candidate.ADAPTED, labelled.serving());
        // With the default window: 32 labels end the label-free evidence, well before a window of 256
        NegativeTransferGuard trickle = new NegativeTransferGuard(new GuardSettings(true, 256, 0.02, 0.1), 4, false);
        trickle.feedback(errors(32, 0.25), errors(32, 0.25));
        for (int i = 0; i < 70; i++) {
            assertEquals(Optional.empty(), trickle.targetBatch(collapsed, confidentDiverse));
        }
        assertEquals(Candidate.ADAPTED, trickle.serving());
    }

    @Test
    @DisplayName("log-loss: a confidently wrong model is evidence on every label, not only on the discordant ones")
    void logLossEvidence() {
        // 32 labels: the adapted model errs on 12, the shadow on 9 of the same ones, 0.094 apart, beyond the margin
        // of 0.05; but 3 discordant labels are no evidence (McNemar z = 2 needs b − c ≥ 2√(b + c): 3 < 3.46) ...
        GuardSettings settings = new GuardSettings(true, 32, 0.05, 0.1);
        double[] adaptedErrors = errors(32, 12.0 / 32);
        double[] shadowErrors = errors(32, 9.0 / 32);
        NegativeTransferGuard errorsOnly = new NegativeTransferGuard(settings, 4, false);
        assertEquals(Optional.empty(), errorsOnly.feedback(adaptedErrors, shadowErrors));
        // ... but the adapted model gave its errors probability 0.01 for the truth and the shadow 0.4, and was as
        // sure when right: its log-loss is higher on every wrong label, by a z far beyond 2
        double[] adaptedLogLoss = new double[32];
        double[] shadowLogLoss = new double[32];
        for (int i = 0; i < 32; i++) {
            adaptedLogLoss[i] = -Math.log(adaptedErrors[i] == 1 ? 0.01 : 0.99);
            shadowLogLoss[i] = -Math.log(shadowErrors[i] == 1 ? 0.4 : (adaptedErrors[i] == 1 ? 0.6 : 0.99));
        }
        NegativeTransferGuard withLogLoss = new NegativeTransferGuard(settings, 4, false);
        NegativeTransferGuard.Switch change = withLogLoss.feedback(adaptedErrors, shadowErrors, adaptedLogLoss,
                shadowLogLoss).orElseThrow();
        assertEquals(Candidate.SOURCE_ONLY, change.to());
        assertEquals(12.0 / 32, change.fromScore(), 1e-12, "the scores reported are still error rates");
        // The decision stays on errors: a better log-loss with an error rate within the margin never switches
        NegativeTransferGuard sameErrors = new NegativeTransferGuard(settings, 4, false);
        assertEquals(Optional.empty(), sameErrors.feedback(adaptedErrors, adaptedErrors, adaptedLogLoss,
                shadowLogLoss));
        // An infinite log-loss (probability 0 for the truth) is capped, not a NaN that disables the test
        double[] infinite = adaptedLogLoss.clone();
        infinite[0] = Double.POSITIVE_INFINITY;
        assertTrue(new NegativeTransferGuard(settings, 4, false)
                .feedback(adaptedErrors, shadowErrors, infinite, shadowLogLoss).isPresent());
    }

    @Test
    @DisplayName("regression: the margin is relative to the served model's squared error; no label-free switch")
    void regression() {
        NegativeTransferGuard guard = new NegativeTransferGuard(SETTINGS, 4, true);
        double[] served = new double[8];
        double[] slightlyBetter = new double[8];
        Arrays.fill(served, 100.0);
        Arrays.fill(slightlyBetter, 95.0); // 5 % better: within the 10 % margin
        assertEquals(Optional.empty(), guard.feedback(served, slightlyBetter));
        double[] muchBetter = new double[8];
        Arrays.fill(muchBetter, 80.0);
        assertEquals(Candidate.SOURCE_ONLY, guard.feedback(served, muchBetter).orElseThrow().to());
        float[][] rows = {{1f}, {1f}, {1f}, {1f}};
        assertEquals(Optional.empty(), guard.targetBatch(rows, rows));
    }

    @Test
    @DisplayName("encode → restore gives a guard that decides as the original; other window sizes start afresh")
    void persistence() {
        NegativeTransferGuard guard = new NegativeTransferGuard(SETTINGS, 4, false);
        guard.feedback(errors(8, 0.5), errors(8, 0));
        guard.feedback(errors(4, 0), errors(4, 0.5));
        NegativeTransferGuard restored = NegativeTransferGuard.restore(SETTINGS, 4, false, guard.encode());
        assertEquals(guard.serving(), restored.serving());
        assertEquals(guard.switches(), restored.switches());
        assertEquals(guard.feedback(errors(4, 0), errors(4, 0.5)), restored.feedback(errors(4, 0), errors(4, 0.5)));
        assertTrue(Arrays.equals(guard.encode(), restored.encode()));

        // A guard written before the log-losses were kept (its bytes end before them) starts afresh
        byte[] withoutLogLoss = Arrays.copyOf(guard.encode(), guard.encode().length - 2 * 8 * 8);
        assertEquals(0, NegativeTransferGuard.restore(SETTINGS, 4, false, withoutLogLoss).switches());

        NegativeTransferGuard resized = NegativeTransferGuard.restore(new GuardSettings(true, 16, 0.1, 0.1), 4, false,
                guard.encode());
        assertEquals(Candidate.ADAPTED, resized.serving());
        assertEquals(0, resized.switches());
    }

    @Test
    @DisplayName("the terms that raise IM themselves (entropy, pseudo-labels) are the label-free evidence's blind spots")
    void labelFreeBlindSpots() {
        assertEquals(java.util.List.of("entropy", "pseudo_label"), NegativeTransferGuard.labelFreeBlindSpots(
                java.util.List.of("mmd", "entropy", "coral", "pseudo_label", "dann")));
        assertEquals(java.util.List.of(), NegativeTransferGuard.labelFreeBlindSpots(java.util.List.of("mmd", "coral")));
        // Every name is a real domain term: a renamed term would silently drop out of the warning.
        for (String term : NegativeTransferGuard.labelFreeBlindSpots(java.util.List.of("entropy", "pseudo_label"))) {
            assertTrue(io.kadapt.loss.LossCatalogue.domain(term).isPresent(), term);
        }
    }
}
