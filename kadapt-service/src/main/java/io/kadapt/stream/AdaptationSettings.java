package io.kadapt.stream;

import io.kadapt.config.ConfigException;
import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.config.ModelSpecs;
import io.kadapt.model.ModelSpec;
import io.kadapt.model.NumpyArchive;
import io.kadapt.model.TransferModel;
import io.kadapt.training.TrainingSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Everything the adaptation topology needs from the configuration, validated once at build time. */
public record AdaptationSettings(Topics topics, ModelSpec modelSpec, TrainingSettings training,
                                 Duration stallTimeout, int accuracyWindow, int pendingPredictionsMax,
                                 double maxAbsFeature, Map<String, INDArray> warmStart, Duration publishInterval,
                                 Duration shedAfter) {

    public static AdaptationSettings from(KadaptConfig config) {
        return new AdaptationSettings(Topics.from(config), ModelSpecs.from(config), ModelSpecs.training(config),
                nonNegativeMillis(config, ConfigKey.TRAIN_STALL_TIMEOUT_MS), config.positiveInteger(ConfigKey.METRICS_ACCURACY_WINDOW),
                config.positiveInteger(ConfigKey.METRICS_PENDING_MAX), maxAbsFeature(config), warmStart(config),
                nonNegativeMillis(config, ConfigKey.MODEL_PUBLISH_INTERVAL_MS),
                nonNegativeMillis(config, ConfigKey.TRAIN_MAX_LAG_MS));
    }

    private static Duration nonNegativeMillis(KadaptConfig config, ConfigKey key) {
        long ms = config.longValue(key);
        if (ms < 0) {
            throw new ConfigException(key.key() + " must be >= 0");
        }
        return Duration.ofMillis(ms);
    }

    /** The parameters of {@code model.init-file}, read and checked against the model now; empty without one. */
    private static Map<String, INDArray> warmStart(KadaptConfig config) {
        if (!config.isSet(ConfigKey.MODEL_INIT_FILE)) {
            return Map.of();
        }
        Path file = Path.of(config.string(ConfigKey.MODEL_INIT_FILE));
        Map<String, INDArray> arrays;
        try (InputStream in = Files.newInputStream(file)) {
            arrays = NumpyArchive.read(in);
        } catch (IOException e) {
            throw new ConfigException(ConfigKey.MODEL_INIT_FILE.key() + ": cannot read " + file + ": " + e.getMessage());
        }
        arrays.keySet().removeIf(name -> name.startsWith("standardization/"));
        try (TransferModel check = TransferModel.initialise(ModelSpecs.from(config), arrays)) {
            return Map.copyOf(arrays);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.MODEL_INIT_FILE.key() + ": " + file + ": " + e.getMessage());
        }
    }

    private static double maxAbsFeature(KadaptConfig config) {
        double value = config.decimal(ConfigKey.INPUT_MAX_ABS_FEATURE);
        if (value <= 0) {
            throw new io.kadapt.config.ConfigException(ConfigKey.INPUT_MAX_ABS_FEATURE.key() + " must be positive");
        }
        return value;
    }
}
