package io.kadapt.config;

/**
 * The service's configuration keys, with default and documentation. The loss terms declare their own keys
 * ({@link io.kadapt.loss.LossCatalogue}); {@link ConfigEntry#all()} joins both into the one table that the README,
 * validation and the environment-variable mapping derive from.
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
    INSTANCE_ID("instance.id", "",
            "This instance's stable identity in the consumer group (Kafka static membership, KIP-345): restarted"
                    + " with the same id, it gets its partitions back at once instead of after session.timeout.ms."
                    + " Empty: <host name>-<hash of the state directory>, stable across restarts of one instance"
                    + " and distinct between instances (each needs its own state directory). dynamic: no static"
                    + " membership."),
    STATE_DIR("state.dir", "",
            "Kafka Streams state directory. Empty: <embedded.data-dir>/streams with the embedded broker,"
                    + " else Kafka Streams' default."),
    PROCESSING_GUARANTEE("processing.guarantee", "exactly_once_v2",
            "exactly_once_v2 (model, predictions and offsets commit atomically) or at_least_once."),
    COMMIT_INTERVAL_MS("commit.interval.ms", "20",
            "How often the prediction path commits; predictions become visible to read_committed consumers then"
                    + " (docs/SCALING.md: latency against throughput)."),
    NUM_STREAM_THREADS("num.stream.threads", "auto",
            "Prediction threads of this instance (Kafka Streams num.stream.threads of the prediction application);"
                    + " the trainer always has a thread of its own. auto: one less than the processors, at least 1."),
    NUM_STANDBY_REPLICAS("num.standby.replicas", "1",
            "Warm standby copies of the trainer's state on other instances: a failover resumes training without"
                    + " replaying the changelogs."),
    MODEL_PUBLISH_INTERVAL_MS("model.publish-interval-ms", "250",
            "The trainer publishes the model to topics.model at most this often (and commits its state as often);"
                    + " 0: after every step that changed it."),
    TOPIC_SOURCE("topics.source", "kadapt.source", "Labelled source samples (input)."),
    TOPIC_TARGET("topics.target", "kadapt.target", "Unlabelled target samples (input)."),
    TOPIC_FEEDBACK("topics.feedback", "kadapt.feedback", "Late true labels of target samples, by id (input)."),
    TOPIC_CONTROL("topics.control", "kadapt.control",
            "Runtime control commands (input): change λ or the learning rate, pause/resume training, snapshot."),
    TOPIC_PREDICTIONS("topics.predictions", "kadapt.predictions", "One prediction per target sample (output)."),
    TOPIC_METRICS("topics.metrics", "kadapt.metrics",
            "One record per training step, and one acknowledgement per control command (output)."),
    TOPIC_DLQ("topics.dlq", "kadapt.dlq", "Dead-letter topic for rejected input records (output)."),
    TOPIC_TRAINING("topics.training", "kadapt.training",
            "Valid samples and labels on their way from the prediction path to the one trainer (kadapt's own;"
                    + " one partition)."),
    TOPIC_MODEL("topics.model", "kadapt.model",
            "The trainer's published model, in chunks, read by every instance (kadapt's own; compacted, one"
                    + " partition)."),
    TOPICS_AUTO_CREATE("topics.auto-create", "true",
            "Create missing topics at start. false: fail at start, naming the missing topics."),
    TOPICS_PARTITIONS("topics.partitions", "6",
            "Partitions of the input, predictions and dead-letter topics it creates (the metrics and control topics"
                    + " get 1; existing topics keep theirs, any count):"
                    + " prediction runs one task per target partition."),
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
    MODEL_INIT_FILE("model.init-file", "",
            "A model.npz (kadapt model export's, or numpy.savez with the same array names) whose parameters a fresh"
                    + " application starts from instead of the seeded draw; ignored once the application has a"
                    + " checkpoint. Empty: the seeded draw."),
    MODEL_DTYPE("model.dtype", "float", "float or double."),
    MODEL_ENGINE("model.engine", "auto",
            "What computes the training steps: auto (the hand-written engine when it covers every configured term,"
                    + " else SameDiff, with a log line naming the term), fast (the hand-written engine; a term it does"
                    + " not cover is a start-up error) or samediff. Snapshots are the same on every engine."),
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
    TRAIN_WEIGHT_DECAY("train.weight-decay", "1.0", "Decoupled weight decay w >= 0 (AdamW): every step first shrinks"
            + " each parameter by the factor 1 - lr*w. 0: plain Adam."),
    TRAIN_AVERAGE_DECAY("train.average-decay", "0.99", "Serve an exponential moving average of the parameters with"
            + " decay beta in [0, 1) (beta_t = min(beta, (1+t)/(10+t)) at step t) instead of the last step's; 0: the"
            + " last step's."),
    TRAIN_GRAD_CLIP_NORM("train.grad-clip-norm", "10.0", "Clip the global gradient norm to this value; 0 = off."),
    TRAIN_BATCH_SOURCE("train.batch.source", "32", "Source samples per training step."),
    TRAIN_BATCH_TARGET("train.batch.target", "32", "Target samples per training step."),
    TRAIN_BUFFER_MAX("train.buffer.max", "10000",
            "Most samples waiting per domain; beyond it the oldest waiting sample is dropped from training."),
    TRAIN_STEPS_PER_BATCH("train.steps-per-batch", "8",
            "Optimiser steps per fresh source+target batch; steps after the first draw batches from the replay memory."),
    TRAIN_REPLAY_CAPACITY("train.replay.capacity", "4096",
            "Recent trained samples kept per domain for replay steps (used when train.steps-per-batch > 1)."),
    TRAIN_MAX_LAG_MS("train.max-lag-ms", "10000",
            "Overload policy: a sample that reaches the trainer more than this long after it was produced is not"
                    + " trained on (counted in kadapt_trainer_shed_samples_total), so the trainer keeps up with the"
                    + " stream rather than a growing backlog. 0: train on every sample however late."),
    TRAIN_STALL_TIMEOUT_MS("train.stall-timeout-ms", "0",
            "0: training waits for both domains. >0: after this long without a target batch, train source-only."),
    FEEDBACK_LEARN("feedback.learn", "true",
            "Learn from late labels: a target sample whose label arrives on the feedback topic (while its features are"
                    + " still held, see metrics.pending-predictions.max) joins supervised steps of its own. false: labels"
                    + " are only scored."),
    FEEDBACK_LEARN_WEIGHT("feedback.learn.weight", "1.0",
            "Weight of the labelled target term: the feedback steps' step size relative to the source steps', > 0."),
    FEEDBACK_LEARN_REPLAY_STEPS("feedback.learn.replay-steps", "1",
            "Supervised steps on remembered labelled target samples (the labelled replay memory) that each source and"
                    + " target batch earns beside its own, so that a few labels keep weighing against the many source"
                    + " batches between them. 0: labels earn only the steps of their own batches."),
    GUARD_ENABLED("guard.enabled", "true",
            "Negative-transfer guard: a source-only shadow model trains on the same batches beside the adapted one,"
                    + " and the better of the two is served (feedback error when labels arrive, else information"
                    + " maximisation). false: no shadow, the adapted model is always served."),
    GUARD_WINDOW("guard.window", "256",
            "The guard's evidence: the last this many feedback labels since the last switch (it decides from 32 on,"
                    + " on a significant difference), or without labels this many target samples since the last switch."),
    GUARD_MARGIN("guard.margin", "0.02",
            "The guard's hysteresis on feedback: the other model's error rate must be lower by more than this (its"
                    + " squared error by more than this fraction, for regression), and by 2 standard errors of the paired"
                    + " difference, to be switched to."),
    GUARD_LABEL_FREE_MARGIN("guard.label-free-margin", "0.15",
            "The guard's hysteresis without labels: the other model's information maximisation must be higher by"
                    + " more than this fraction of ln(classes), its maximum: large, so it steps in on a collapse, not"
                    + " on noise."),
    LOSS_SUPERVISED("loss.supervised", "",
            "Supervised source term: " + ConfigEntry.supervisedTermNames() + ". Empty: the task's default,"
                    + " cross_entropy or mse."),
    LOSS_DOMAIN("loss.domain", "mmd", "Domain terms, comma-separated, each with its own λ: "
            + ConfigEntry.domainTermNames() + "; or none."),
    LOSS_LAMBDA("loss.lambda", "1.0",
            "Default weight λ of every domain term (the final value for warmup and dann-ramp schedules)."),
    LOSS_SCHEDULE("loss.schedule", "constant",
            "Default λ schedule of every domain term: constant, warmup (linear over loss.schedule.steps) or"
                    + " dann-ramp (λ·(2/(1+e^(−γp))−1), p = step/loss.schedule.steps)."),
    LOSS_SCHEDULE_GAMMA("loss.schedule.gamma", "10.0", "γ of the dann-ramp schedule, > 0."),
    LOSS_SCHEDULE_STEPS("loss.schedule.steps", "10000",
            "Model steps over which warmup and dann-ramp schedules reach their final λ."),
    PREPROCESS_STANDARDIZE("preprocess.standardize", "per-domain",
            "per-domain: z-score each domain with its own running mean/std (what a deployed service can know);"
                    + " shared: z-score both domains with the pooled running mean/std of all samples (keeps the shift"
                    + " between the domains); per-domain-global: shift and scale each domain by one mean/std of all its"
                    + " values (keeps the features' relative scales); none: raw features."),
    PREPROCESS_VARIANCE_FLOOR("preprocess.variance-floor", "1.0",
            "Per-domain z-scoring divides by max(std_i, sqrt(floor × mean_j var_j)): a nearly constant feature (an"
                    + " image's border pixel, a rare word) is not blown up into outliers. 0: each feature's own std."),
    METRICS_ACCURACY_WINDOW("metrics.accuracy-window", "500",
            "Target accuracy is measured over the last this-many feedback labels."),
    METRICS_PENDING_MAX("metrics.pending-predictions.max", "100000",
            "Predictions and early labels kept waiting for their counterpart; beyond it the oldest is forgotten."),
    HTTP_PORT("http.port", "8080", "Port of /metrics, /health/live, /health/ready and /info; 0 picks a free port."),
    HTTP_BIND("http.bind", "0.0.0.0",
            "Address the HTTP server listens on: 0.0.0.0 (every interface, what probes and scrapers in a container"
                    + " need) or e.g. 127.0.0.1 to keep it on the host."),
    HTTP_TOKEN_FILE("http.token-file", "",
            "File holding the bearer token that every endpoint but /metrics and /health/* requires (the"
                    + " KADAPT_HTTP_TOKEN environment variable works too; never a flag, which ps would show). Empty and"
                    + " no variable: those endpoints are open.");

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

    public String environmentVariable() {
        return ConfigEntry.environmentVariable(key);
    }
}
