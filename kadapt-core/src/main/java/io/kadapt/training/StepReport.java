package io.kadapt.training;

import io.kadapt.model.StepOutcome;
import java.util.Map;

/**
 * What one training step did. The sequence ranges say which buffered samples left the buffer
 * ({@code [from, to)} per domain, empty for a replay step), so the caller can delete exactly those from its store.
 * A {@code feedback} step learned from labelled target samples ({@code targetBatch} of them, no source rows): its
 * supervised loss and accuracy are over those.
 */
public record StepReport(long step, StepOutcome outcome, Map<String, Double> lambdas, int sourceBatch,
                         int targetBatch, boolean sourceOnly, boolean replay, boolean feedback, double seconds,
                         long sourceFrom, long sourceTo, long targetFrom, long targetTo) {
}
