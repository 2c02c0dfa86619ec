package io.kadapt.stream;

import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.serving.ServedModel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model this instance predicts with: one per process, written by the model topic's global-store processor and
 * read by every predicting task. Swapping a reference to an immutable {@link ServedModel} is the atomic switch to a
 * complete new version; a prediction uses one version from start to end.
 */
public final class ServedModelHolder {
    private final AtomicReference<Served> current;
    private final AdaptationMetrics metrics;

    /** @param initial what to predict with before the first publication: the deterministic initial model */
    public ServedModelHolder(ServedModel initial, AdaptationMetrics metrics) {
        this.current = new AtomicReference<>(new Served(initial, -1));
        this.metrics = metrics;
        metrics.servedModelStep(initial.step());
    }

    /** A published version; {@code steppedAtMs} is when the trainer took its last step, −1 if unknown. */
    record Served(ServedModel model, long steppedAtMs, AtomicBoolean used) {
        Served(ServedModel model, long steppedAtMs) {
            this(model, steppedAtMs, new AtomicBoolean());
        }
    }

    ServedModel model() {
        return current.get().model();
    }

    /**
     * The version to predict with now. The first prediction with a version records its freshness (trainer step →
     * first prediction that uses it).
     */
    ServedModel forPrediction(long nowMs) {
        Served served = current.get();
        if (served.steppedAtMs() >= 0 && !served.used().get() && served.used().compareAndSet(false, true)) {
            metrics.modelFreshness(Math.max(0, nowMs - served.steppedAtMs()));
        }
        return served.model();
    }

    void serve(ServedModel model, long steppedAtMs) {
        current.set(new Served(model, steppedAtMs));
        metrics.servedModelStep(model.step());
    }
}
