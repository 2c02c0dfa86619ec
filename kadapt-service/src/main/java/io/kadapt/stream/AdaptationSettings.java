package io.kadapt.stream;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.config.ModelSpecs;
import io.kadapt.model.ModelSpec;
import io.kadapt.training.TrainingSettings;
import java.time.Duration;

/** Everything the adaptation topology needs from the configuration, validated once at build time. */
public record AdaptationSettings(Topics topics, ModelSpec modelSpec, TrainingSettings training,
                                 Duration stallTimeout, int accuracyWindow, int pendingPredictionsMax,
                                 double maxAbsFeature) {

    public static AdaptationSettings from(KadaptConfig config) {
        long stallMs = config.longValue(ConfigKey.TRAIN_STALL_TIMEOUT_MS);
        if (stallMs < 0) {
            throw new io.kadapt.config.ConfigException(ConfigKey.TRAIN_STALL_TIMEOUT_MS.key() + " must be >= 0");
        }
        return new AdaptationSettings(Topics.from(config), ModelSpecs.from(config), ModelSpecs.training(config),
                Duration.ofMillis(stallMs), config.positiveInteger(ConfigKey.METRICS_ACCURACY_WINDOW),
                config.positiveInteger(ConfigKey.METRICS_PENDING_MAX), maxAbsFeature(config));
    }

    private static double maxAbsFeature(KadaptConfig config) {
        double value = config.decimal(ConfigKey.INPUT_MAX_ABS_FEATURE);
        if (value <= 0) {
            throw new io.kadapt.config.ConfigException(ConfigKey.INPUT_MAX_ABS_FEATURE.key() + " must be positive");
        }
        return value;
    }
}
