package io.kadapt.config;

import io.kadapt.data.Task;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.DomainTerm;
import io.kadapt.loss.LossCatalogue;
import io.kadapt.loss.SupervisedLoss;
import io.kadapt.loss.SupervisedTerm;
import io.kadapt.loss.TermSettings;
import io.kadapt.model.Activation;
import io.kadapt.model.AdamSettings;
import io.kadapt.model.EngineChoice;
import io.kadapt.model.LearningRateSchedule;
import io.kadapt.model.ModelSpec;
import io.kadapt.training.LambdaSchedule;
import io.kadapt.training.Standardization;
import io.kadapt.training.GuardSettings;
import io.kadapt.training.TrainingSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;

/** Turns configuration into the model's and the training loop's immutable settings, naming bad keys. */
public final class ModelSpecs {
    private ModelSpecs() {
    }

    public static ModelSpec from(KadaptConfig config) {
        List<Integer> hidden = new ArrayList<>();
        for (String size : config.list(ConfigKey.MODEL_HIDDEN)) {
            try {
                hidden.add(Integer.parseInt(size));
            } catch (NumberFormatException e) {
                throw new ConfigException(ConfigKey.MODEL_HIDDEN.key() + " must be comma-separated integers, got '"
                        + config.string(ConfigKey.MODEL_HIDDEN) + "'");
            }
        }
        DataType dataType = switch (config.string(ConfigKey.MODEL_DTYPE)) {
            case "float" -> DataType.FLOAT;
            case "double" -> DataType.DOUBLE;
            default -> throw new ConfigException(ConfigKey.MODEL_DTYPE.key() + " must be float or double");
        };
        AdamSettings adam = new AdamSettings(config.decimal(ConfigKey.TRAIN_LEARNING_RATE),
                config.decimal(ConfigKey.TRAIN_ADAM_BETA1), config.decimal(ConfigKey.TRAIN_ADAM_BETA2),
                config.decimal(ConfigKey.TRAIN_ADAM_EPSILON), learningRateSchedule(config),
                config.decimal(ConfigKey.TRAIN_WEIGHT_DECAY), config.decimal(ConfigKey.TRAIN_AVERAGE_DECAY));
        Task task = config.choice(ConfigKey.MODEL_TASK, Task.class);
        try {
            return new ModelSpec(config.positiveInteger(ConfigKey.MODEL_INPUT_DIM), outputs(config, task), hidden,
                    config.choice(ConfigKey.MODEL_ACTIVATION, Activation.class),
                    config.decimalInRange(ConfigKey.MODEL_DROPOUT, 0, 1), config.longValue(ConfigKey.MODEL_SEED),
                    dataType, adam, config.decimal(ConfigKey.TRAIN_GRAD_CLIP_NORM), supervised(config, task),
                    domainLosses(config, task, hidden.isEmpty() ? 1 : hidden.get(hidden.size() - 1)),
                    config.choice(ConfigKey.MODEL_ENGINE, EngineChoice.class));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid model configuration: " + e.getMessage());
        }
    }

    public static TrainingSettings training(KadaptConfig config) {
        Standardization standardization = switch (config.string(ConfigKey.PREPROCESS_STANDARDIZE)) {
            case "per-domain" -> Standardization.PER_DOMAIN;
            case "shared" -> Standardization.SHARED;
            case "per-domain-global" -> Standardization.PER_DOMAIN_GLOBAL;
            case "none" -> Standardization.NONE;
            default -> throw new ConfigException(ConfigKey.PREPROCESS_STANDARDIZE.key() + " must be per-domain, per-domain-global, shared or none");
        };
        Map<String, LambdaSchedule> schedules = new LinkedHashMap<>();
        for (DomainLoss term : domainLosses(config, config.choice(ConfigKey.MODEL_TASK, Task.class), 1)) {
            schedules.put(term.name(), lambdaSchedule(config, LossCatalogue.domain(term.name()).orElseThrow()));
        }
        try {
            return new TrainingSettings(config.positiveInteger(ConfigKey.TRAIN_BATCH_SOURCE),
                    config.positiveInteger(ConfigKey.TRAIN_BATCH_TARGET),
                    config.positiveInteger(ConfigKey.TRAIN_BUFFER_MAX), schedules, standardization,
                    config.decimal(ConfigKey.PREPROCESS_VARIANCE_FLOOR),
                    config.positiveInteger(ConfigKey.TRAIN_STEPS_PER_BATCH),
                    config.positiveInteger(ConfigKey.TRAIN_REPLAY_CAPACITY),
                    new TrainingSettings.FeedbackLearning(config.bool(ConfigKey.FEEDBACK_LEARN),
                            config.decimal(ConfigKey.FEEDBACK_LEARN_WEIGHT),
                            config.integer(ConfigKey.FEEDBACK_LEARN_REPLAY_STEPS)),
                    new GuardSettings(config.bool(ConfigKey.GUARD_ENABLED),
                            config.positiveInteger(ConfigKey.GUARD_WINDOW), config.decimal(ConfigKey.GUARD_MARGIN),
                            config.decimal(ConfigKey.GUARD_LABEL_FREE_MARGIN)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * {@code train.lr-schedule} with its α, β and horizon ({@code train.lr-schedule.steps}, falling back to
     * {@code loss.schedule.steps}).
     */
    static LearningRateSchedule learningRateSchedule(KadaptConfig config) {
        String name = config.string(ConfigKey.TRAIN_LR_SCHEDULE);
        LearningRateSchedule.Shape shape = Arrays.stream(LearningRateSchedule.Shape.values())
                .filter(s -> s.configName().equals(name)).findFirst()
                .orElseThrow(() -> new ConfigException(ConfigKey.TRAIN_LR_SCHEDULE.key() + " must be constant or"
                        + " inverse-decay, got '" + name + "'"));
        if (shape == LearningRateSchedule.Shape.CONSTANT) {
            return LearningRateSchedule.CONSTANT;
        }
        double alpha = nonNegative(config, ConfigKey.TRAIN_LR_SCHEDULE_ALPHA);
        double beta = nonNegative(config, ConfigKey.TRAIN_LR_SCHEDULE_BETA);
        ConfigKey stepsKey = config.isSet(ConfigKey.TRAIN_LR_SCHEDULE_STEPS)
                ? ConfigKey.TRAIN_LR_SCHEDULE_STEPS : ConfigKey.LOSS_SCHEDULE_STEPS;
        long steps = config.longValue(stepsKey);
        if (steps <= 0) {
            throw new ConfigException(stepsKey.key() + " must be > 0, got '" + config.string(stepsKey) + "'");
        }
        return new LearningRateSchedule(shape, alpha, beta, steps);
    }

    private static double nonNegative(KadaptConfig config, ConfigKey key) {
        double value = config.decimal(key);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigException(key.key() + " must be finite and >= 0, got '" + config.string(key) + "'");
        }
        return value;
    }

    /**
     * λ_k(t) of one domain term: {@code loss.<term>.lambda} and {@code loss.<term>.schedule} (term name with dashes),
     * each falling back to the global {@code loss.lambda} / {@code loss.schedule} when empty.
     */
    static LambdaSchedule lambdaSchedule(KadaptConfig config, DomainTerm term) {
        String lambdaKey = config.isSet(term.lambdaKey().key()) ? term.lambdaKey().key() : ConfigKey.LOSS_LAMBDA.key();
        String scheduleKey = config.isSet(term.scheduleKey().key()) ? term.scheduleKey().key()
                : ConfigKey.LOSS_SCHEDULE.key();
        double lambda = config.decimal(lambdaKey);
        if (lambda < 0) {
            throw new ConfigException(lambdaKey + " must be >= 0, got '" + config.string(lambdaKey) + "'");
        }
        LambdaSchedule.Shape shape;
        try {
            shape = LambdaSchedule.Shape.fromConfigName(config.string(scheduleKey));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(scheduleKey + ": " + e.getMessage());
        }
        double gamma = config.decimal(ConfigKey.LOSS_SCHEDULE_GAMMA);
        if (!(gamma > 0)) {
            throw new ConfigException(ConfigKey.LOSS_SCHEDULE_GAMMA.key() + " must be > 0, got '"
                    + config.string(ConfigKey.LOSS_SCHEDULE_GAMMA) + "'");
        }
        long steps = config.longValue(ConfigKey.LOSS_SCHEDULE_STEPS);
        if (steps <= 0) {
            throw new ConfigException(ConfigKey.LOSS_SCHEDULE_STEPS.key() + " must be > 0, got '"
                    + config.string(ConfigKey.LOSS_SCHEDULE_STEPS) + "'");
        }
        return new LambdaSchedule(lambda, shape, gamma, steps);
    }

    /** Width of the head: model.classes for classification; one value for regression, which takes no classes. */
    private static int outputs(KadaptConfig config, Task task) {
        if (task == Task.CLASSIFICATION) {
            return config.positiveInteger(ConfigKey.MODEL_CLASSES);
        }
        if (config.isSet(ConfigKey.MODEL_CLASSES)) {
            throw new ConfigException(ConfigKey.MODEL_CLASSES.key() + " does not apply to " + ConfigKey.MODEL_TASK.key()
                    + "=regression (one predicted value); leave it empty, got '" + config.string(ConfigKey.MODEL_CLASSES)
                    + "'");
        }
        return 1;
    }

    /** The configured loss, or the task's default (cross_entropy, mse) when {@code loss.supervised} is empty. */
    private static SupervisedLoss supervised(KadaptConfig config, Task task) {
        String name = config.isSet(ConfigKey.LOSS_SUPERVISED) ? config.string(ConfigKey.LOSS_SUPERVISED)
                : task == Task.REGRESSION ? "mse" : "cross_entropy";
        SupervisedTerm term = LossCatalogue.supervised(name).orElseThrow(() -> new ConfigException(
                ConfigKey.LOSS_SUPERVISED.key() + ": unknown loss '" + name + "' (known: "
                        + String.join(", ", LossCatalogue.SUPERVISED.stream().map(SupervisedTerm::name).toList()) + ")"));
        if (term.task() != task) {
            throw new ConfigException(ConfigKey.LOSS_SUPERVISED.key() + "=" + name + " is a " + term.task().configName()
                    + " loss but " + ConfigKey.MODEL_TASK.key() + " is " + task.configName() + " (use one of "
                    + String.join(", ", LossCatalogue.SUPERVISED.stream().filter(t -> t.task() == task)
                            .map(SupervisedTerm::name).toList()) + ")");
        }
        return build(() -> term.create(new ConfiguredTerm(config, 1)));
    }

    private static List<DomainLoss> domainLosses(KadaptConfig config, Task task, int featureDim) {
        List<DomainLoss> losses = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : config.list(ConfigKey.LOSS_DOMAIN)) {
            if (name.equals("none")) {
                continue;
            }
            DomainTerm term = LossCatalogue.domain(name).orElseThrow(() -> new ConfigException(
                    ConfigKey.LOSS_DOMAIN.key() + ": unknown domain term '" + name + "' (known: "
                            + String.join(", ", LossCatalogue.DOMAIN.stream().map(DomainTerm::name).toList())
                            + ", none)"));
            if (names.contains(name)) {
                throw new ConfigException(ConfigKey.LOSS_DOMAIN.key() + ": '" + name + "' is listed twice");
            }
            if (!term.supports(task)) {
                throw new ConfigException(ConfigKey.LOSS_DOMAIN.key() + ": '" + name + "' reads class"
                        + " probabilities or labels and does not apply to " + ConfigKey.MODEL_TASK.key() + "="
                        + task.configName() + " (terms that do: " + String.join(", ", LossCatalogue.DOMAIN.stream()
                                .filter(t -> t.supports(task)).map(DomainTerm::name).toList()) + ")");
            }
            names.add(name);
            losses.add(build(() -> term.create(new ConfiguredTerm(config, featureDim))));
        }
        return losses;
    }

    /** A term's factory run with its IllegalArgumentException (which names the key) as a ConfigException. */
    private static <T> T build(Supplier<T> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The configuration as a loss term's factory reads it. */
    private record ConfiguredTerm(KadaptConfig config, int featureDim) implements TermSettings {
        @Override
        public String string(String key) {
            return config.string(key);
        }

        @Override
        public int classes() {
            return config.positiveInteger(ConfigKey.MODEL_CLASSES);
        }

        @Override
        public double dropout() {
            return config.decimal(ConfigKey.MODEL_DROPOUT);
        }
    }
}
