package io.kadapt.training;

import java.util.Map;

/**
 * Hyper-parameters of the online loop around the model (the model's own are in its spec).
 *
 * @param lambdaSchedules λ_k(t) by domain term name; one per configured domain term
 * @param varianceFloor   per-domain z-scoring floors each feature's variance at this fraction of the mean variance
 * @param feedback        whether and how much labelled target samples (late labels) are learned from
 * @param guard           the source-only shadow model and the negative-transfer guard
 */
public record TrainingSettings(int sourceBatch, int targetBatch, int bufferMax,
                               Map<String, LambdaSchedule> lambdaSchedules,
                               Standardization standardization, double varianceFloor, int stepsPerBatch,
                               int replayCapacity, FeedbackLearning feedback, GuardSettings guard) {
    /**
     * Feedback learning: with {@code enabled}, every {@code train.batch.source} labelled target samples earn
     * {@code train.steps-per-batch} supervised steps (the first on them, the rest on the labelled replay memory), whose
     * step size is {@code weight} × the source steps' (the target term's weight: scaling a step's loss instead would
     * be nearly undone by Adam's normalisation). Each ready source+target batch also earns {@code replaySteps} such
     * steps on the labelled replay memory once it holds samples, so that a few labels keep their weight against the
     * many source batches between them instead of counting once.
     */
    public record FeedbackLearning(boolean enabled, double weight, int replaySteps) {
        public static final FeedbackLearning OFF = new FeedbackLearning(false, 1.0, 0);

        public FeedbackLearning {
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("feedback.learn.weight must be a finite number > 0");
            }
            if (replaySteps < 0) {
                throw new IllegalArgumentException("feedback.learn.replay-steps must be >= 0");
            }
        }
    }

    public TrainingSettings {
        if (!(varianceFloor >= 0) || Double.isInfinite(varianceFloor)) {
            throw new IllegalArgumentException("preprocess.variance-floor must be a finite number >= 0");
        }
        if (stepsPerBatch < 1) {
            throw new IllegalArgumentException("train.steps-per-batch must be at least 1");
        }
        if (stepsPerBatch > 1 && replayCapacity < 1) {
            throw new IllegalArgumentException("train.replay.capacity must be positive when train.steps-per-batch > 1");
        }
        if (sourceBatch <= 0 || targetBatch <= 0) {
            throw new IllegalArgumentException("batch sizes must be positive");
        }
        if (bufferMax < Math.max(sourceBatch, targetBatch)) {
            throw new IllegalArgumentException("train.buffer.max (" + bufferMax + ") must hold at least one batch");
        }
        lambdaSchedules = Map.copyOf(lambdaSchedules);
    }

    /** λ_k of the given term at model step {@code step}. */
    public double lambda(String term, long step) {
        LambdaSchedule schedule = lambdaSchedules.get(term);
        if (schedule == null) {
            throw new IllegalStateException("no λ schedule for domain term '" + term + "'");
        }
        return schedule.at(step);
    }
}
