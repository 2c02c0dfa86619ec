package io.kadapt.training;

/** Hyper-parameters of the online loop around the model (the model's own are in its spec). */
public record TrainingSettings(int sourceBatch, int targetBatch, int bufferMax, double lambda,
                               Standardization standardization, int stepsPerBatch, int replayCapacity) {
    public TrainingSettings {
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
    }
}
