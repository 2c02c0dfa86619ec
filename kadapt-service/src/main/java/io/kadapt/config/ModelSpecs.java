package io.kadapt.config;

import io.kadapt.config.ConfigException;
import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.data.Task;
import io.kadapt.loss.ConditionalAdversarialLoss;
import io.kadapt.loss.ConsistencyLoss;
import io.kadapt.loss.ContrastiveLoss;
import io.kadapt.loss.CoralLoss;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainAdversarialLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.FocalLoss;
import io.kadapt.loss.InformationMaximizationLoss;
import io.kadapt.loss.MeanSquaredErrorLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.loss.MultiMarginLoss;
import io.kadapt.loss.PseudoLabelLoss;
import io.kadapt.loss.SupervisedLoss;
import io.kadapt.model.Activation;
import io.kadapt.model.AdamSettings;
import io.kadapt.model.LearningRateSchedule;
import io.kadapt.model.ModelSpec;
import io.kadapt.training.LambdaSchedule;
import io.kadapt.training.Standardization;
import io.kadapt.training.TrainingSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                config.decimal(ConfigKey.TRAIN_ADAM_EPSILON), learningRateSchedule(config));
        Task task = config.choice(ConfigKey.MODEL_TASK, Task.class);
        try {
            return new ModelSpec(config.positiveInteger(ConfigKey.MODEL_INPUT_DIM), outputs(config, task), hidden,
                    config.choice(ConfigKey.MODEL_ACTIVATION, Activation.class),
                    config.decimalInRange(ConfigKey.MODEL_DROPOUT, 0, 1), config.longValue(ConfigKey.MODEL_SEED),
                    dataType, adam, config.decimal(ConfigKey.TRAIN_GRAD_CLIP_NORM), supervised(config, task),
                    domainLosses(config, task, hidden.isEmpty() ? 1 : hidden.get(hidden.size() - 1)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid model configuration: " + e.getMessage());
        }
    }

    public static TrainingSettings training(KadaptConfig config) {
        Standardization standardization = switch (config.string(ConfigKey.PREPROCESS_STANDARDIZE)) {
            case "per-domain" -> Standardization.PER_DOMAIN;
            case "none" -> Standardization.NONE;
            default -> throw new ConfigException(ConfigKey.PREPROCESS_STANDARDIZE.key() + " must be per-domain or none");
        };
        Map<String, LambdaSchedule> schedules = new LinkedHashMap<>();
        for (DomainLoss term : domainLosses(config, config.choice(ConfigKey.MODEL_TASK, Task.class), 1)) {
            schedules.put(term.name(), lambdaSchedule(config, term.name()));
        }
        try {
            return new TrainingSettings(config.positiveInteger(ConfigKey.TRAIN_BATCH_SOURCE),
                    config.positiveInteger(ConfigKey.TRAIN_BATCH_TARGET),
                    config.positiveInteger(ConfigKey.TRAIN_BUFFER_MAX), schedules, standardization,
                    config.decimal(ConfigKey.PREPROCESS_VARIANCE_FLOOR),
                    config.positiveInteger(ConfigKey.TRAIN_STEPS_PER_BATCH),
                    config.positiveInteger(ConfigKey.TRAIN_REPLAY_CAPACITY));
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

    private static double positive(KadaptConfig config, ConfigKey key) {
        double value = config.decimal(key);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ConfigException(key.key() + " must be finite and > 0, got '" + config.string(key) + "'");
        }
        return value;
    }

    /**
     * λ_k(t) of one domain term: {@code loss.<term>.lambda} and {@code loss.<term>.schedule} (term name with dashes),
     * each falling back to the global {@code loss.lambda} / {@code loss.schedule} when empty.
     */
    static LambdaSchedule lambdaSchedule(KadaptConfig config, String term) {
        ConfigKey lambdaKey = termKey(term, "lambda");
        ConfigKey scheduleKey = termKey(term, "schedule");
        ConfigKey effectiveLambda = config.isSet(lambdaKey) ? lambdaKey : ConfigKey.LOSS_LAMBDA;
        ConfigKey effectiveSchedule = config.isSet(scheduleKey) ? scheduleKey : ConfigKey.LOSS_SCHEDULE;
        double lambda = config.decimal(effectiveLambda);
        if (lambda < 0) {
            throw new ConfigException(effectiveLambda.key() + " must be >= 0, got '" + config.string(effectiveLambda)
                    + "'");
        }
        LambdaSchedule.Shape shape;
        try {
            shape = LambdaSchedule.Shape.fromConfigName(config.string(effectiveSchedule));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(effectiveSchedule.key() + ": " + e.getMessage());
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

    private static ConfigKey termKey(String term, String suffix) {
        String key = "loss." + term.replace('_', '-') + "." + suffix;
        return ConfigKey.byKey(key).orElseThrow(
                () -> new IllegalStateException("domain term '" + term + "' lacks config key " + key));
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

    /** Configuration names of the supervised losses, with the task each trains, in README order. */
    static final Map<String, Task> SUPERVISED_LOSSES;

    static {
        Map<String, Task> losses = new LinkedHashMap<>();
        losses.put("cross_entropy", Task.CLASSIFICATION);
        losses.put("focal", Task.CLASSIFICATION);
        losses.put("hinge", Task.CLASSIFICATION);
        losses.put("mse", Task.REGRESSION);
        SUPERVISED_LOSSES = Collections.unmodifiableMap(losses);
    }

    /** The configured loss, or the task's default (cross_entropy, mse) when {@code loss.supervised} is empty. */
    private static SupervisedLoss supervised(KadaptConfig config, Task task) {
        String name = config.isSet(ConfigKey.LOSS_SUPERVISED) ? config.string(ConfigKey.LOSS_SUPERVISED)
                : task == Task.REGRESSION ? "mse" : "cross_entropy";
        Task lossTask = SUPERVISED_LOSSES.get(name);
        if (lossTask == null) {
            throw new ConfigException(ConfigKey.LOSS_SUPERVISED.key() + ": unknown loss '" + name + "' (known: "
                    + String.join(", ", SUPERVISED_LOSSES.keySet()) + ")");
        }
        if (lossTask != task) {
            throw new ConfigException(ConfigKey.LOSS_SUPERVISED.key() + "=" + name + " is a " + lossTask.configName()
                    + " loss but " + ConfigKey.MODEL_TASK.key() + " is " + task.configName() + " (use one of "
                    + String.join(", ", lossesFor(task)) + ")");
        }
        if (task == Task.REGRESSION) {
            return new MeanSquaredErrorLoss();
        }
        int classes = config.positiveInteger(ConfigKey.MODEL_CLASSES);
        return switch (name) {
            case "cross_entropy" -> new CrossEntropyLoss(config.decimalInRange(ConfigKey.LOSS_LABEL_SMOOTHING, 0, 1),
                    classWeights(config, ConfigKey.LOSS_CLASS_WEIGHTS, classes));
            case "focal" -> {
                double gamma = config.decimal(ConfigKey.LOSS_FOCAL_GAMMA);
                if (gamma < 0) {
                    throw new ConfigException(ConfigKey.LOSS_FOCAL_GAMMA.key() + " must be >= 0, got '"
                            + config.string(ConfigKey.LOSS_FOCAL_GAMMA) + "'");
                }
                yield new FocalLoss(gamma, classWeights(config, ConfigKey.LOSS_FOCAL_ALPHA, classes));
            }
            case "hinge" -> {
                double margin = config.decimal(ConfigKey.LOSS_HINGE_MARGIN);
                if (!(margin > 0)) {
                    throw new ConfigException(ConfigKey.LOSS_HINGE_MARGIN.key() + " must be > 0, got '"
                            + config.string(ConfigKey.LOSS_HINGE_MARGIN) + "'");
                }
                yield new MultiMarginLoss(margin);
            }
            default -> throw new IllegalStateException("supervised loss '" + name + "' is listed but not built");
        };
    }

    private static List<String> lossesFor(Task task) {
        return SUPERVISED_LOSSES.entrySet().stream().filter(e -> e.getValue() == task).map(Map.Entry::getKey).toList();
    }

    /** One finite weight ≥ 0 per class, not all 0; null when the key is empty. */
    private static double[] classWeights(KadaptConfig config, ConfigKey key, int classes) {
        if (!config.isSet(key)) {
            return null;
        }
        List<String> items = config.list(key);
        if (items.size() != classes) {
            throw new ConfigException(key.key() + " must list one weight per class (" + classes + "), got "
                    + items.size() + ": '" + config.string(key) + "'");
        }
        double[] weights = new double[classes];
        boolean anyPositive = false;
        for (int c = 0; c < classes; c++) {
            try {
                weights[c] = Double.parseDouble(items.get(c));
            } catch (NumberFormatException e) {
                weights[c] = Double.NaN;
            }
            if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
                throw new ConfigException(key.key() + " must be finite numbers >= 0, got '" + config.string(key) + "'");
            }
            anyPositive |= weights[c] > 0;
        }
        if (!anyPositive) {
            throw new ConfigException(key.key() + " must not be all 0");
        }
        return weights;
    }

    /** Configuration names of the domain terms, for messages and the README. */
    static final List<String> DOMAIN_TERMS = List.of("mmd", "coral", "dann", "cdan", "entropy", "pseudo_label",
            "consistency", "contrastive");

    private static MmdLoss mmd(KadaptConfig config) {
        MmdLoss.Bandwidth bandwidth = MmdLoss.Bandwidth.fromConfigName(config.string(ConfigKey.LOSS_MMD_BANDWIDTH))
                .orElseThrow(() -> new ConfigException(ConfigKey.LOSS_MMD_BANDWIDTH.key() + " must be mean or median,"
                        + " got '" + config.string(ConfigKey.LOSS_MMD_BANDWIDTH) + "'"));
        MmdLoss.Estimator estimator = MmdLoss.Estimator.fromConfigName(config.string(ConfigKey.LOSS_MMD_ESTIMATOR))
                .orElseThrow(() -> new ConfigException(ConfigKey.LOSS_MMD_ESTIMATOR.key() + " must be quadratic or"
                        + " linear, got '" + config.string(ConfigKey.LOSS_MMD_ESTIMATOR) + "'"));
        List<String> items = config.list(ConfigKey.LOSS_MMD_MULTIPLIERS);
        double[] multipliers = new double[items.size()];
        for (int i = 0; i < multipliers.length; i++) {
            try {
                multipliers[i] = Double.parseDouble(items.get(i));
            } catch (NumberFormatException e) {
                multipliers[i] = Double.NaN;
            }
            if (!(multipliers[i] > 0) || Double.isInfinite(multipliers[i])) {
                throw new ConfigException(ConfigKey.LOSS_MMD_MULTIPLIERS.key() + " must be finite numbers > 0, got '"
                        + config.string(ConfigKey.LOSS_MMD_MULTIPLIERS) + "'");
            }
        }
        if (multipliers.length == 0) {
            throw new ConfigException(ConfigKey.LOSS_MMD_MULTIPLIERS.key() + " must list at least one multiplier");
        }
        return new MmdLoss(bandwidth, estimator, multipliers);
    }

    private static List<DomainLoss> domainLosses(KadaptConfig config, Task task, int featureDim) {
        List<DomainLoss> terms = new ArrayList<>();
        for (String name : config.list(ConfigKey.LOSS_DOMAIN)) {
            switch (name) {
                case "none" -> { }
                case "mmd" -> terms.add(mmd(config));
                case "coral" -> terms.add(new CoralLoss());
                case "dann" -> terms.add(new DomainAdversarialLoss(featureDim,
                        config.positiveInteger(ConfigKey.LOSS_DANN_HIDDEN)));
                case "cdan" -> terms.add(new ConditionalAdversarialLoss(featureDim,
                        config.positiveInteger(ConfigKey.MODEL_CLASSES), config.positiveInteger(ConfigKey.LOSS_DANN_HIDDEN)));
                case "entropy" -> {
                    double beta = config.decimal(ConfigKey.LOSS_ENTROPY_DIVERSITY);
                    if (beta < 0) {
                        throw new ConfigException(ConfigKey.LOSS_ENTROPY_DIVERSITY.key() + " must be >= 0, got '"
                                + config.string(ConfigKey.LOSS_ENTROPY_DIVERSITY) + "'");
                    }
                    terms.add(new InformationMaximizationLoss(beta));
                }
                case "pseudo_label" -> {
                    double tau = config.decimal(ConfigKey.LOSS_PSEUDO_LABEL_THRESHOLD);
                    if (tau < 0 || tau > 1) {
                        throw new ConfigException(ConfigKey.LOSS_PSEUDO_LABEL_THRESHOLD.key() + " must be in [0, 1], got '"
                                + config.string(ConfigKey.LOSS_PSEUDO_LABEL_THRESHOLD) + "'");
                    }
                    terms.add(new PseudoLabelLoss(tau));
                }
                case "consistency" -> terms.add(new ConsistencyLoss(
                        nonNegative(config, ConfigKey.LOSS_CONSISTENCY_NOISE_STD)));
                case "contrastive" -> terms.add(new ContrastiveLoss(positive(config, ConfigKey.LOSS_CONTRASTIVE_MARGIN)));
                default -> throw new ConfigException(ConfigKey.LOSS_DOMAIN.key() + ": unknown domain term '" + name
                        + "' (known: " + String.join(", ", DOMAIN_TERMS) + ", none)");
            }
        }
        for (DomainLoss term : terms) {
            if (!term.supports(task)) {
                throw new ConfigException(ConfigKey.LOSS_DOMAIN.key() + ": '" + term.name() + "' reads class"
                        + " probabilities and does not apply to " + ConfigKey.MODEL_TASK.key() + "=" + task.configName()
                        + " (feature terms do: mmd, coral, dann)");
            }
        }
        for (int i = 0; i < terms.size(); i++) {
            if (terms.get(i) instanceof ConsistencyLoss consistency && consistency.noiseStd() == 0.0
                    && config.decimal(ConfigKey.MODEL_DROPOUT) == 0.0) {
                throw new ConfigException("the consistency term needs a perturbation: "
                        + ConfigKey.LOSS_CONSISTENCY_NOISE_STD.key() + " > 0 or " + ConfigKey.MODEL_DROPOUT.key()
                        + " > 0 (with neither, both views are the same and the term is 0)");
            }
            for (int j = 0; j < i; j++) {
                if (terms.get(i).name().equals(terms.get(j).name())) {
                    throw new ConfigException(ConfigKey.LOSS_DOMAIN.key() + ": '" + terms.get(i).name()
                            + "' is listed twice");
                }
            }
        }
        return terms;
    }
}
