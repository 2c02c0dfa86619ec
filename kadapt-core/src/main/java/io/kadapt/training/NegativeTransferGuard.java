package io.kadapt.training;

import io.kadapt.monitor.PredictionScores;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides which of two models is served: the adapted one or the source-only shadow trained on the same batches. On
 * the evidence of feedback labels when there are enough of them (each labelled batch scored by both models before
 * either learns from it: error rate, or mean squared error for regression), otherwise on a label-free score of each
 * model over the same recent target batches (information maximisation, H(p̄) − mean H(p), computed per batch before
 * the step that trains on it; classification only). On labels it switches when, over the labels since the last switch
 * (at least {@link #MIN_LABELS}, the last {@code window} at most), the other model errs less by more than the margin
 * and significantly so ({@link #Z} standard errors of the paired difference, in errors or, for classification, in
 * log-loss); without labels, when the other model's
 * score is higher by more than the label-free margin over a full window since the last switch. The label-free margin is
 * large ({@link GuardSettings#labelFreeMargin}), so that without labels it steps in on a collapse, not on noise. Everything here is a
 * function of the training log, persisted with the trainer state: a restored trainer serves and switches exactly as
 * one that never stopped.
 */
public final class NegativeTransferGuard {
    /** The two models the guard chooses between. */
    public enum Candidate {
        ADAPTED, SOURCE_ONLY;

        /** The label of {@code kadapt_serving_model} and of the metrics topic. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        Candidate other() {
            return this == ADAPTED ? SOURCE_ONLY : ADAPTED;
        }
    }

    /** A switch: from, to, on which evidence, and the two scores that decided it. */
    public record Switch(Candidate from, Candidate to, String criterion, double fromScore, double toScore) {
    }

    static final String FEEDBACK_ERROR = "feedback_error";
    /**
     * Least labelled samples since the last switch (or the whole window, if smaller) before feedback may decide: a
     * trickle of labels decides long before it fills a window, yet not on a handful of them.
     */
    static final int MIN_LABELS = 32;
    /**
     * Standard errors by which the other model's advantage on the paired labels must exceed zero (one-sided, about
     * 2.3 % under the normal approximation): McNemar's test on the discordant pairs for error rates, the paired
     * z-test of the losses for regression. Chosen a priori, not on the benchmark.
     */
    static final double Z = 2.0;
    /**
     * A sample's log-loss is capped at −ln 10⁻⁴: a model that gave the true class (almost) no probability must not
     * outweigh every other label of the window with one infinite loss.
     */
    static final double MAX_LOG_LOSS = -Math.log(1e-4);
    static final String INFORMATION = "information_maximisation";
    /**
     * Domain terms that raise the label-free criterion themselves: entropy minimisation (its loss is the negative
     * information maximisation) and pseudo-labels (they make the model confident on its own guesses). The adapted
     * model's IM then rises whether it gets better or worse (measured: docs/BENCHMARKS.md), so without feedback labels
     * the guard cannot catch their harm.
     */
    private static final java.util.Set<String> RAISES_INFORMATION = java.util.Set.of("entropy", "pseudo_label");

    /** Of the configured domain terms, those the guard's label-free evidence is blind to (see above), in order. */
    public static java.util.List<String> labelFreeBlindSpots(java.util.List<String> domainTerms) {
        return domainTerms.stream().filter(RAISES_INFORMATION::contains).toList();
    }

    private final GuardSettings settings;
    private final boolean regression;
    /** Per model (index = ordinal), the loss of each of the last {@code window} labelled samples. */
    private final double[][] feedbackLoss;
    /** Per model, the log-loss of each of those samples (classification; NaN where none was given). */
    private final double[][] feedbackLogLoss;
    /** Per model, the information score of each of the last {@link #batches} target batches. */
    private final double[][] information;
    private final int batches;
    private Candidate serving = Candidate.ADAPTED;
    private long switches;
    private long labelled;
    private long labelledSinceSwitch;
    private long targetBatches;
    private long batchesSinceSwitch;

    /**
     * @param targetBatch target samples per fresh batch: the label-free window is {@code window} samples in whole
     *                    batches
     */
    public NegativeTransferGuard(GuardSettings settings, int targetBatch, boolean regression) {
        this.settings = settings;
        this.regression = regression;
        this.batches = Math.max(1, (settings.window() + targetBatch - 1) / targetBatch);
        this.feedbackLoss = new double[2][settings.window()];
        this.feedbackLogLoss = new double[2][settings.window()];
        java.util.Arrays.stream(feedbackLogLoss).forEach(losses -> java.util.Arrays.fill(losses, Double.NaN));
        this.information = new double[2][batches];
    }

    public Candidate serving() {
        return serving;
    }

    public long switches() {
        return switches;
    }

    /**
     * Labelled samples, each scored by both models before either learned from it: squared error (regression) or 0/1
     * error (classification, without log-losses) of the adapted and of the shadow model.
     */
    public Optional<Switch> feedback(double[] adaptedLoss, double[] shadowLoss) {
        return feedback(adaptedLoss, shadowLoss, null, null);
    }

    /**
     * Labelled classification samples, each scored by both models before either learned from it: the 0/1 error and
     * the log-loss (−ln of the probability given to the true class) of the adapted and of the shadow model. The
     * switch is still decided on errors, with the margin; the log-losses add evidence that the difference is real
     * (see {@link #significantlyBetter}).
     */
    public Optional<Switch> feedback(double[] adaptedLoss, double[] shadowLoss, double[] adaptedLogLoss,
                                     double[] shadowLogLoss) {
        for (int i = 0; i < adaptedLoss.length; i++) {
            int slot = (int) (labelled % settings.window());
            feedbackLoss[Candidate.ADAPTED.ordinal()][slot] = adaptedLoss[i];
            feedbackLoss[Candidate.SOURCE_ONLY.ordinal()][slot] = shadowLoss[i];
            feedbackLogLoss[Candidate.ADAPTED.ordinal()][slot] = adaptedLogLoss == null ? Double.NaN
                    : Math.min(adaptedLogLoss[i], MAX_LOG_LOSS);
            feedbackLogLoss[Candidate.SOURCE_ONLY.ordinal()][slot] = shadowLogLoss == null ? Double.NaN
                    : Math.min(shadowLogLoss[i], MAX_LOG_LOSS);
            labelled++;
            labelledSinceSwitch++;
        }
        int evidence = (int) Math.min(labelledSinceSwitch, settings.window());
        if (evidence < Math.min(MIN_LABELS, settings.window())) {
            return Optional.empty();
        }
        double[] serving = recent(feedbackLoss, this.serving, evidence);
        double[] other = recent(feedbackLoss, this.serving.other(), evidence);
        return significantlyBetter(serving, other, recent(feedbackLogLoss, this.serving, evidence),
                recent(feedbackLogLoss, this.serving.other(), evidence))
                ? Optional.of(switchTo(FEEDBACK_ERROR, mean(serving), mean(other))) : Optional.empty();
    }

    /** The log-losses of {@code model} on the last {@code n} labelled samples (NaN where none was given). */
    double[] recentLogLosses(Candidate model, int n) {
        return recent(feedbackLogLoss, model, n);
    }

    /** The values of {@code model} in {@code window} for the last {@code n} labelled samples. */
    private double[] recent(double[][] window, Candidate model, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = window[model.ordinal()][(int) ((labelled - n + i) % settings.window())];
        }
        return values;
    }

    /**
     * Whether the other model's losses on the same labels are lower than the served one's by more than the margin and
     * significantly: by at least {@link #Z} standard errors of the paired losses, or — classification, when every
     * sample has its log-losses — of the paired log-losses. For 0/1 errors the paired difference is McNemar's: b
     * labels only the served model gets wrong, c only the other, z = (b − c)/√(b + c); it sees only the labels the two
     * models disagree on. The log-loss, a proper scoring rule, draws evidence from every label (a confidently wrong
     * model pays on each of its mistakes, not only on those the other model gets right), so a trickle of labels
     * becomes evidence sooner; the decision itself stays on error rates. Regression errors have the labels' unit, so
     * their margin is relative to the served model's mean squared error.
     */
    private boolean significantlyBetter(double[] serving, double[] other, double[] servingLogLoss,
                                        double[] otherLogLoss) {
        double[] difference = differences(serving, other);
        double advantage = mean(difference);
        double margin = regression ? settings.margin() * mean(serving) : settings.margin();
        if (!(advantage > margin)) {
            return false;
        }
        if (regression) {
            return pairedZ(difference) >= Z;
        }
        // 0/1 errors: Σd² = b + c, and z = Σd/√(b + c).
        double discordant = 0;
        for (double d : difference) {
            discordant += d * d;
        }
        boolean mcNemar = advantage * difference.length >= Z * Math.sqrt(discordant);
        double[] logLossDifference = differences(servingLogLoss, otherLogLoss);
        return mcNemar || (!Double.isNaN(mean(logLossDifference)) && pairedZ(logLossDifference) >= Z);
    }

    private static double[] differences(double[] served, double[] other) {
        double[] difference = new double[served.length];
        for (int i = 0; i < served.length; i++) {
            difference[i] = served[i] - other[i];
        }
        return difference;
    }

    /** The paired z statistic: the mean difference over its standard error (infinite if they are all equal and > 0). */
    private static double pairedZ(double[] difference) {
        int n = difference.length;
        double mean = mean(difference);
        double squares = 0;
        for (double d : difference) {
            squares += (d - mean) * (d - mean);
        }
        double standardError = Math.sqrt(squares / Math.max(1, n - 1) / n);
        return standardError == 0 ? (mean > 0 ? Double.POSITIVE_INFINITY : 0) : mean / standardError;
    }

    /**
     * A fresh target batch's class probabilities under both models, before the step that trains on it. Decides only
     * until feedback labels could decide ({@link #MIN_LABELS}, or the window if smaller): labels are the better
     * evidence, and a choice made on them must not be undone by the label-free score.
     */
    public Optional<Switch> targetBatch(float[][] adaptedProbabilities, float[][] shadowProbabilities) {
        if (regression) {
            return Optional.empty();
        }
        int slot = (int) (targetBatches % batches);
        information[Candidate.ADAPTED.ordinal()][slot] = PredictionScores.informationMaximisation(adaptedProbabilities);
        information[Candidate.SOURCE_ONLY.ordinal()][slot] = PredictionScores.informationMaximisation(shadowProbabilities);
        targetBatches++;
        batchesSinceSwitch++;
        if (labelled >= Math.min(MIN_LABELS, settings.window()) || batchesSinceSwitch < batches) {
            return Optional.empty();
        }
        double servingScore = mean(information[serving.ordinal()]);
        double otherScore = mean(information[serving.other().ordinal()]);
        double classes = adaptedProbabilities.length > 0 ? adaptedProbabilities[0].length : 2;
        return otherScore > servingScore + settings.labelFreeMargin() * Math.log(classes)
                ? Optional.of(switchTo(INFORMATION, servingScore, otherScore)) : Optional.empty();
    }

    private Switch switchTo(String criterion, double fromScore, double toScore) {
        Switch change = new Switch(serving, serving.other(), criterion, fromScore, toScore);
        serving = serving.other();
        switches++;
        labelledSinceSwitch = 0;
        batchesSinceSwitch = 0;
        return change;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    /** Everything the guard has gathered and decided, for the trainer state. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A guard with the state {@link #encode} wrote; a fresh one for no bytes. */
    static NegativeTransferGuard restore(GuardSettings settings, int targetBatch, boolean regression, byte[] stored) {
        NegativeTransferGuard guard = new NegativeTransferGuard(settings, targetBatch, regression);
        if (stored.length > 0) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
                guard.read(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("corrupt guard state: " + e.getMessage(), e);
            }
        }
        return guard;
    }

    private void write(DataOutputStream out) throws IOException {
        out.writeInt(serving.ordinal());
        out.writeLong(switches);
        out.writeLong(labelled);
        out.writeLong(labelledSinceSwitch);
        out.writeLong(targetBatches);
        out.writeLong(batchesSinceSwitch);
        out.writeInt(feedbackLoss[0].length);
        out.writeInt(batches);
        for (int model = 0; model < 2; model++) {
            for (double value : feedbackLoss[model]) {
                out.writeDouble(value);
            }
            for (double value : information[model]) {
                out.writeDouble(value);
            }
        }
        for (double[] logLosses : feedbackLogLoss) {
            for (double value : logLosses) {
                out.writeDouble(value);
            }
        }
    }

    /**
     * Restores what {@link #write} wrote into this (fresh) guard. A guard written with other window sizes, or before
     * the guard kept log-losses, is not restored: it starts afresh, serving the adapted model, and gathers its
     * evidence again.
     */
    private void read(DataInputStream in) throws IOException {
        Candidate storedServing = Candidate.values()[in.readInt()];
        long storedSwitches = in.readLong();
        long storedLabelled = in.readLong();
        long storedLabelledSince = in.readLong();
        long storedBatches = in.readLong();
        long storedBatchesSince = in.readLong();
        int window = in.readInt();
        int storedBatchWindow = in.readInt();
        double[][] storedFeedback = new double[2][window];
        double[][] storedInformation = new double[2][storedBatchWindow];
        for (int model = 0; model < 2; model++) {
            for (int i = 0; i < window; i++) {
                storedFeedback[model][i] = in.readDouble();
            }
            for (int i = 0; i < storedBatchWindow; i++) {
                storedInformation[model][i] = in.readDouble();
            }
        }
        if (window != feedbackLoss[0].length || storedBatchWindow != batches || in.available() == 0) {
            return;
        }
        double[][] storedLogLoss = new double[2][window];
        for (int model = 0; model < 2; model++) {
            for (int i = 0; i < window; i++) {
                storedLogLoss[model][i] = in.readDouble();
            }
        }
        serving = storedServing;
        switches = storedSwitches;
        labelled = storedLabelled;
        labelledSinceSwitch = storedLabelledSince;
        targetBatches = storedBatches;
        batchesSinceSwitch = storedBatchesSince;
        for (int model = 0; model < 2; model++) {
            System.arraycopy(storedFeedback[model], 0, feedbackLoss[model], 0, window);
            System.arraycopy(storedInformation[model], 0, information[model], 0, storedBatchWindow);
            System.arraycopy(storedLogLoss[model], 0, feedbackLogLoss[model], 0, window);
        }
    }
}
