package io.kadapt.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key kadapt understands, with its default and documentation. This is the one
 * registry: the README table, validation and the environment-variable mapping all derive from it.
 */
public enum ConfigKey {
    BOOTSTRAP_SERVERS("bootstrap.servers", "",
            "Kafka cluster to use. Empty: start an embedded single-node KRaft broker in-process."),
    EMBEDDED_PORT("embedded.port", "9092", "Port of the embedded broker (when bootstrap.servers is empty)."),
    EMBEDDED_DATA_DIR("embedded.data-dir", "",
            "Data directory of the embedded broker and of the Kafka Streams state. Empty: a fresh temporary"
                    + " directory, deleted on exit. Set it to keep topics and model across restarts."),
    APPLICATION_ID("application.id", "kadapt",
            "Kafka Streams application id: consumer group, transactional id prefix and internal topic prefix."),
    STATE_DIR("state.dir", "",
            "Kafka Streams state directory. Empty: <embedded.data-dir>/streams with the embedded broker,"
                    + " else Kafka Streams' default."),
    PROCESSING_GUARANTEE("processing.guarantee", "exactly_once_v2",
            "exactly_once_v2 (model, predictions and offsets commit atomically) or at_least_once."),
    COMMIT_INTERVAL_MS("commit.interval.ms", "100",
            "How often Kafka Streams commits; predictions become visible to read_committed consumers then."),
    NUM_STANDBY_REPLICAS("num.standby.replicas", "0", "Warm standby copies of the model state on other instances."),
    TOPIC_SOURCE("topics.source", "kadapt.source", "Labelled source samples (input)."),
    TOPIC_TARGET("topics.target", "kadapt.target", "Unlabelled target samples (input)."),
    TOPIC_FEEDBACK("topics.feedback", "kadapt.feedback", "Late true labels of target samples, by id (input)."),
    TOPIC_PREDICTIONS("topics.predictions", "kadapt.predictions", "One prediction per target sample (output)."),
    TOPIC_METRICS("topics.metrics", "kadapt.metrics", "One record per training step (output)."),
    TOPIC_DLQ("topics.dlq", "kadapt.dlq", "Dead-letter topic for rejected input records (output)."),
    TOPICS_AUTO_CREATE("topics.auto-create", "true",
            "Create missing topics at start. false: fail at start, naming the missing topics."),
    TOPICS_PARTITIONS("topics.partitions", "1",
            "Partitions of the output topics it creates. Input topics always get 1 partition: one model."),
    TOPICS_REPLICATION_FACTOR("topics.replication-factor", "1", "Replication factor of the topics it creates."),
    INPUT_MAX_ABS_FEATURE("input.max-abs-feature", "1e9",
            "Features (and regression labels) beyond ±this are rejected (feature_out_of_range, label_out_of_range):"
                    + " they would overflow squared distances in single precision and wreck the running statistics."),
    MODEL_INPUT_DIM("model.input-dim", "", "Number of features per sample. Required for run."),
    MODEL_TASK("model.task", "classification",
            "classification (integer labels 0..classes-1, class probabilities out) or regression (numeric labels,"
                    + " one linear output: the predicted value)."),
    MODEL_CLASSES("model.classes", "",
            "Number of classes; labels are 0..classes-1. Required for run with model.task=classification; empty for"
                    + " regression."),
    MODEL_HIDDEN("model.hidden", "256,128", "Hidden layer sizes of the feature extractor, comma-separated."),
    MODEL_ACTIVATION("model.activation", "relu", "relu, tanh, sigmoid, elu or leaky_relu."),
    MODEL_DROPOUT("model.dropout", "0.0", "Dropout rate on hidden layers while training, in [0, 1)."),
    MODEL_SEED("model.seed", "42", "Seed of parameter initialisation and dropout: same seed and input, same model."),
    MODEL_DTYPE("model.dtype", "float", "float or double."),
    TRAIN_LEARNING_RATE("train.learning-rate", "0.001", "Adam learning rate."),
    TRAIN_LR_SCHEDULE("train.lr-schedule", "constant",
            "Learning-rate schedule: constant, or inverse-decay lr·(1+αp)^(−β), p = step/train.lr-schedule.steps."),
    TRAIN_LR_SCHEDULE_ALPHA("train.lr-schedule.alpha", "10.0", "α ≥ 0 of the inverse-decay learning-rate schedule."),
    TRAIN_LR_SCHEDULE_BETA("train.lr-schedule.beta", "0.75", "β ≥ 0 of the inverse-decay learning-rate schedule."),
    TRAIN_LR_SCHEDULE_STEPS("train.lr-schedule.steps", "",
            "Model steps over which the inverse-decay progress p runs from 0 to 1. Empty: loss.schedule.steps."),
    TRAIN_ADAM_BETA1("train.adam.beta1", "0.9", "Adam beta1."),
    TRAIN_ADAM_BETA2("train.adam.beta2", "0.999", "Adam beta2."),
    TRAIN_ADAM_EPSILON("train.adam.epsilon", "1e-8", "Adam epsilon."),
    TRAIN_GRAD_CLIP_NORM("train.grad-clip-norm", "10.0", "Clip the global gradient norm to this value; 0 = off."),
    TRAIN_BATCH_SOURCE("train.batch.source", "32", "Source samples per training step."),
    TRAIN_BATCH_TARGET("train.batch.target", "32", "Target samples per training step."),
    TRAIN_BUFFER_MAX("train.buffer.max", "10000",
            "Most samples waiting per domain; beyond it the oldest waiting sample is dropped from training."),
    TRAIN_STEPS_PER_BATCH("train.steps-per-batch", "8",
            "Optimiser steps per fresh source+target batch; steps after the first draw batches from the replay memory."),
    TRAIN_REPLAY_CAPACITY("train.replay.capacity", "4096",
            "Recent trained samples kept per domain for replay steps (used when train.steps-per-batch > 1)."),
    TRAIN_STALL_TIMEOUT_MS("train.stall-timeout-ms", "0",
            "0: training waits for both domains. >0: after this long without a target batch, train source-only."),
    LOSS_SUPERVISED("loss.supervised", "",
            "Supervised source term: cross_entropy, focal or hinge (classification), mse (regression). Empty: the"
                    + " task's default, cross_entropy or mse."),
    LOSS_LABEL_SMOOTHING("loss.label-smoothing", "0.0", "Label smoothing of cross_entropy, in [0, 1)."),
    LOSS_CLASS_WEIGHTS("loss.class-weights", "",
            "Per-class weights of cross_entropy, comma-separated, one per class (weighted mean over the batch). Empty: unweighted."),
    LOSS_FOCAL_GAMMA("loss.focal.gamma", "2.0",
            "Focusing parameter γ ≥ 0 of the focal loss."),
    LOSS_FOCAL_ALPHA("loss.focal.alpha", "",
            "Per-class weights α of the focal loss, comma-separated, one per class. Empty: α = 1."),
    LOSS_HINGE_MARGIN("loss.hinge.margin", "1.0",
            "Margin m > 0 of the multi-class hinge loss."),
    LOSS_DOMAIN("loss.domain", "mmd", "Domain terms, comma-separated, each with its own λ: mmd, coral, dann, cdan, entropy,"
            + " pseudo_label, consistency, contrastive; or none."),
    LOSS_LAMBDA("loss.lambda", "1.0",
            "Default weight λ of every domain term (the final value for warmup and dann-ramp schedules)."),
    LOSS_SCHEDULE("loss.schedule", "constant",
            "Default λ schedule of every domain term: constant, warmup (linear over loss.schedule.steps) or"
                    + " dann-ramp (λ·(2/(1+e^(−γp))−1), p = step/loss.schedule.steps)."),
    LOSS_SCHEDULE_GAMMA("loss.schedule.gamma", "10.0", "γ of the dann-ramp schedule, > 0."),
    LOSS_SCHEDULE_STEPS("loss.schedule.steps", "10000",
            "Model steps over which warmup and dann-ramp schedules reach their final λ."),
    LOSS_MMD_LAMBDA("loss.mmd.lambda", "", "λ of the mmd term. Empty: loss.lambda."),
    LOSS_MMD_SCHEDULE("loss.mmd.schedule", "", "λ schedule of the mmd term. Empty: loss.schedule."),
    LOSS_MMD_BANDWIDTH("loss.mmd.bandwidth", "mean",
            "Bandwidth base of the mmd kernels: mean or median pairwise squared distance of the batch's features."),
    LOSS_MMD_MULTIPLIERS("loss.mmd.multipliers", "0.25,0.5,1,2,4",
            "Multipliers of the bandwidth base, one Gaussian kernel each, comma-separated, each > 0."),
    LOSS_MMD_ESTIMATOR("loss.mmd.estimator", "quadratic",
            "MMD² estimator: quadratic (all pairs, biased) or linear (Gretton et al. 2012, O(n), unbiased)."),
    LOSS_CORAL_LAMBDA("loss.coral.lambda", "",
            "λ of the coral term. Empty: loss.lambda."),
    LOSS_CORAL_SCHEDULE("loss.coral.schedule", "",
            "λ schedule of the coral term. Empty: loss.schedule."),
    LOSS_DANN_LAMBDA("loss.dann.lambda", "",
            "λ of the dann term (also the gradient-reversal factor). Empty: loss.lambda."),
    LOSS_DANN_SCHEDULE("loss.dann.schedule", "",
            "λ schedule of the dann term (dann-ramp is the paper’s). Empty: loss.schedule."),
    LOSS_DANN_HIDDEN("loss.dann.hidden", "64",
            "Width of the domain classifier’s hidden layer (dann and cdan)."),
    LOSS_CDAN_LAMBDA("loss.cdan.lambda", "",
            "λ of the cdan term (also the gradient-reversal factor). Empty: loss.lambda."),
    LOSS_CDAN_SCHEDULE("loss.cdan.schedule", "",
            "λ schedule of the cdan term (dann-ramp is the paper’s). Empty: loss.schedule."),
    LOSS_ENTROPY_LAMBDA("loss.entropy.lambda", "",
            "λ of the entropy term. Empty: loss.lambda."),
    LOSS_ENTROPY_SCHEDULE("loss.entropy.schedule", "",
            "λ schedule of the entropy term. Empty: loss.schedule."),
    LOSS_ENTROPY_DIVERSITY("loss.entropy.diversity", "1.0",
            "Weight β ≥ 0 of the diversity part −β·H(mean target prediction) of the entropy term; 0: plain entropy minimisation."),
    LOSS_PSEUDO_LABEL_LAMBDA("loss.pseudo-label.lambda", "",
            "λ of the pseudo_label term. Empty: loss.lambda."),
    LOSS_PSEUDO_LABEL_SCHEDULE("loss.pseudo-label.schedule", "",
            "λ schedule of the pseudo_label term. Empty: loss.schedule."),
    LOSS_PSEUDO_LABEL_THRESHOLD("loss.pseudo-label.threshold", "0.9",
            "Confidence τ in [0, 1] a target prediction needs to serve as its own label in the pseudo_label term."),
    LOSS_CONSISTENCY_LAMBDA("loss.consistency.lambda", "",
            "λ of the consistency term. Empty: loss.lambda."),
    LOSS_CONSISTENCY_SCHEDULE("loss.consistency.schedule", "",
            "λ schedule of the consistency term. Empty: loss.schedule."),
    LOSS_CONSISTENCY_NOISE_STD("loss.consistency.noise-std", "0.1",
            "Std ≥ 0 of the Gaussian noise added to the (standardised) target input of the perturbed view."),
    LOSS_CONTRASTIVE_LAMBDA("loss.contrastive.lambda", "",
            "λ of the contrastive term. Empty: loss.lambda."),
    LOSS_CONTRASTIVE_SCHEDULE("loss.contrastive.schedule", "",
            "λ schedule of the contrastive term. Empty: loss.schedule."),
    LOSS_CONTRASTIVE_MARGIN("loss.contrastive.margin", "1.0",
            "Margin m > 0: source pairs of different classes are pushed until their feature distance reaches m."),
    PREPROCESS_STANDARDIZE("preprocess.standardize", "per-domain",
            "per-domain: z-score each domain with its own running mean/std (what a deployed service can know);"
                    + " none: raw features."),
    PREPROCESS_VARIANCE_FLOOR("preprocess.variance-floor", "1.0",
            "Per-domain z-scoring divides by max(std_i, sqrt(floor × mean_j var_j)): a nearly constant feature (an"
                    + " image's border pixel, a rare word) is not blown up into outliers. 0: each feature's own std."),
    METRICS_ACCURACY_WINDOW("metrics.accuracy-window", "500",
            "Target accuracy is measured over the last this-many feedback labels."),
    METRICS_PENDING_MAX("metrics.pending-predictions.max", "100000",
            "Predictions and early labels kept waiting for their counterpart; beyond it the oldest is forgotten."),
    HTTP_PORT("http.port", "8080", "Port of /metrics, /health/live, /health/ready and /info; 0 picks a free port.");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** KADAPT_ followed by the key upper-cased, with dots and dashes as underscores. */
    public String environmentVariable() {
        return "KADAPT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }
}
