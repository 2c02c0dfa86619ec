package io.kadapt.training;

import io.kadapt.model.StepOutcome;
import java.util.Map;

/**
 * What one training step did. The sequence ranges say which buffered samples left the buffer
 * ({@code [from, to)} per domain, empty for a replay step), so the caller can delete exactly those from its store.
 */
public record StepReport(long step, StepOutcome outcome, Map<String, Double> lambdas, int sourceBatch,
                         int targetBatch, boolean sourceOnly, boolean replay, double seconds,
                         long sourceFrom, long sourceTo, long targetFrom, long targetTo) {
}
