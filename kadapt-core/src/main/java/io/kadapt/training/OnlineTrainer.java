package io.kadapt.training;

import io.kadapt.data.Domain;
import io.kadapt.data.Prediction;
import io.kadapt.data.Sample;
import io.kadapt.data.Task;
import io.kadapt.model.StepOutcome;
import io.kadapt.model.TransferModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The online test-then-train loop around a {@link TransferModel}: admits samples into per-domain FIFO
 * buffers, predicts target samples on arrival, and takes one optimiser step whenever both buffers hold a
 * batch. Labelled target samples (a target sample joined with its late label) wait in a third buffer and, when
 * feedback learning is on, earn supervised steps of their own ({@link #learnFeedbackBatch}). With the guard on, a
 * source-only shadow model takes every step beside the adapted one, on the same batches without the domain terms, and
 * a {@link NegativeTransferGuard} chooses which of the two is served ({@link #export}, {@link #predict}). It knows nothing of Kafka; the caller persists the model, the {@link TrainerState} after each
 * step, and the buffered samples by the sequence numbers this class hands out.
 *
 * <p>Restart invariant: the live statistics equal the ledger's statistics of removed samples followed by
 * the still-buffered samples in arrival order, so a restored trainer is bit-identical to one that never
 * stopped.
 */
public final class OnlineTrainer implements AutoCloseable {
    private final TrainingSettings settings;
    private final TransferModel model;
    /** The source-only shadow; null with the guard off. */
    private final TransferModel shadow;
    private final NegativeTransferGuard guard;
    private final List<NegativeTransferGuard.Switch> switches = new ArrayList<>();
    private final List<Boolean> disagreements = new ArrayList<>();
    private final TrainerState state;
    private final Map<Domain, ArrayDeque<Sample>> buffers = new EnumMap<>(Domain.class);
    private final Map<Domain, RunningStandardizer> liveStatistics = new EnumMap<>(Domain.class);
    private final Map<Domain, ReplayMemory> replay = new EnumMap<>(Domain.class);
    private final ArrayDeque<Sample> labelled = new ArrayDeque<>();
    private final ReplayMemory labelledReplay;
    private final List<ReplayWrite> replayWrites = new ArrayList<>();

    /** The name of the labelled target samples' replay memory and buffer, beside the domains' tags. */
    public static final String FEEDBACK = "feedback";

    /**
     * A sample that entered a replay memory at a slot, for the caller to persist; {@code memory} is a domain's
     * {@link Domain#tag()} or {@link #FEEDBACK}.
     */
    public record ReplayWrite(String memory, int slot, Sample sample) {
    }

    /** The persisted labelled target samples: the waiting ones in arrival order, and the replay slots in slot order. */
    public record StoredFeedback(List<Sample> buffered, List<Sample> replay) {
        public static final StoredFeedback NONE = new StoredFeedback(List.of(), List.of());
    }

    /** A trainer with empty replay memories. */
    public OnlineTrainer(TrainingSettings settings, TransferModel model, TrainerState state,
                         List<Sample> bufferedSource, List<Sample> bufferedTarget) {
        this(settings, model, state, bufferedSource, bufferedTarget, Map.of());
    }

    /**
     * @param replayContents per domain, the persisted replay slots in slot order (slot i at index i)
     */
    public OnlineTrainer(TrainingSettings settings, TransferModel model, TrainerState state,
                         List<Sample> bufferedSource, List<Sample> bufferedTarget,
                         Map<Domain, List<Sample>> replayContents) {
        this(settings, model, freshShadow(settings, model), state, bufferedSource, bufferedTarget, replayContents,
                StoredFeedback.NONE);
    }

    /**
     * @param shadow         the source-only shadow model (its spec {@code model.spec().sourceOnly()}) when the guard is
     *                       on, else null
     * @param replayContents per domain, the persisted replay slots in slot order (slot i at index i)
     * @param feedback       the persisted labelled target samples
     * @throws IllegalArgumentException if the shadow is missing with the guard on, or given with it off
     */
    public OnlineTrainer(TrainingSettings settings, TransferModel model, TransferModel shadow, TrainerState state,
                         List<Sample> bufferedSource, List<Sample> bufferedTarget,
                         Map<Domain, List<Sample>> replayContents, StoredFeedback feedback) {
        if ((shadow != null) != settings.guard().enabled()) {
            throw new IllegalArgumentException("a shadow model goes with the guard, and only with it");
        }
        this.settings = settings;
        this.model = model;
        this.shadow = shadow;
        this.guard = NegativeTransferGuard.restore(settings.guard(), settings.targetBatch(),
                model.spec().task() == Task.REGRESSION, state.guard());
        this.state = state;
        for (Domain domain : Domain.values()) {
            buffers.put(domain, new ArrayDeque<>());
            liveStatistics.put(domain, state.ledger(domain).removedStatistics().withVarianceFloor(settings.varianceFloor()));
            replay.put(domain, new ReplayMemory(settings.replayCapacity(), state.trainedDigest(domain).count(),
                    replayContents.getOrDefault(domain, List.of())));
        }
        labelledReplay = new ReplayMemory(settings.replayCapacity(), state.feedback().learned().count(),
                feedback.replay());
        state.overrides().learningRate().ifPresent(this::learningRate);
        bufferedSource.forEach(s -> buffer(Domain.SOURCE, s));
        bufferedTarget.forEach(s -> buffer(Domain.TARGET, s));
        labelled.addAll(feedback.buffered());
    }

    /** The shadow a trainer without a stored one starts with: initialised like the adapted model, from its seed. */
    public static TransferModel freshShadow(TrainingSettings settings, TransferModel model) {
        return settings.guard().enabled() ? TransferModel.initialise(model.spec().sourceOnly()) : null;
    }

    public TrainerState state() {
        return state;
    }

    /** The adapted model, the one trained with the domain terms (whichever the guard serves). */
    public TransferModel model() {
        return model;
    }

    /** The source-only shadow model; empty with the guard off. */
    public java.util.Optional<TransferModel> shadow() {
        return java.util.Optional.ofNullable(shadow);
    }

    /** Which model is served: the adapted one unless the guard switched to the shadow. */
    public NegativeTransferGuard.Candidate serving() {
        return guard.serving();
    }

    private TransferModel served() {
        return guard.serving() == NegativeTransferGuard.Candidate.SOURCE_ONLY ? shadow : model;
    }

    /** The guard's switches since the last call, to log, count and publish. */
    public List<NegativeTransferGuard.Switch> drainSwitches() {
        List<NegativeTransferGuard.Switch> drained = List.copyOf(switches);
        switches.clear();
        return drained;
    }

    /**
     * Per target sample of the fresh batches since the last call, whether the shadow predicted another class than the
     * adapted model (classification with the guard on; else nothing).
     */
    public List<Boolean> drainDisagreements() {
        List<Boolean> drained = List.copyOf(disagreements);
        disagreements.clear();
        return drained;
    }

    private void learningRate(double learningRate) {
        model.learningRate(learningRate);
        if (shadow != null) {
            shadow.learningRate(learningRate);
        }
    }

    /** The sequence number the next admitted sample of this domain gets. */
    public long nextSequence(Domain domain) {
        return state.ledger(domain).removed() + buffers.get(domain).size();
    }

    public int buffered(Domain domain) {
        return buffers.get(domain).size();
    }

    /**
     * Buffers a sample for training. When the buffer overflows, the oldest waiting sample is dropped and its
     * sequence number returned: the caller must delete it and persist {@link #state()}.
     */
    public OptionalLong admit(Domain domain, Sample sample) {
        buffer(domain, sample);
        ArrayDeque<Sample> buffer = buffers.get(domain);
        if (buffer.size() <= settings.bufferMax()) {
            return OptionalLong.empty();
        }
        long droppedSequence = state.ledger(domain).removed();
        state.ledger(domain).recordDropped(buffer.removeFirst());
        return OptionalLong.of(droppedSequence);
    }

    /** The sequence number the next admitted labelled target sample gets. */
    public long nextLabelledSequence() {
        return state.feedback().removed() + labelled.size();
    }

    /** Labelled target samples that have left the labelled buffer (learned from or dropped). */
    public long labelledRemoved() {
        return state.feedback().removed();
    }

    public int bufferedLabelled() {
        return labelled.size();
    }

    /**
     * Buffers a labelled target sample (its raw features and its late label) for feedback learning. As with
     * {@link #admit}, an overflowing buffer drops its oldest sample and returns that one's sequence number: the caller
     * deletes it and persists {@link #state()}.
     *
     * @throws IllegalArgumentException if the sample has no label
     */
    public OptionalLong admitLabelled(Sample sample) {
        if (!sample.labelled()) {
            throw new IllegalArgumentException("feedback learning needs a labelled sample, got " + sample.id());
        }
        labelled.addLast(sample);
        if (labelled.size() <= settings.bufferMax()) {
            return OptionalLong.empty();
        }
        long droppedSequence = state.feedback().removed();
        labelled.removeFirst();
        state.feedback().recordDropped();
        return OptionalLong.of(droppedSequence);
    }

    private void buffer(Domain domain, Sample sample) {
        buffers.get(domain).addLast(sample);
        liveStatistics.get(domain).add(sample.features());
    }

    /** Predicts with the current model; call after {@link #admit} so the sample counts in its domain's statistics. */
    public Prediction predict(Sample target) {
        return predict(List.of(target)).get(0);
    }

    /**
     * Predicts target samples in one batch with the current model and the target domain's current statistics,
     * admitting none of them (what the finished model says about samples it has already seen).
     */
    public List<Prediction> predict(List<Sample> targets) {
        return predict(Domain.TARGET, targets);
    }

    /**
     * Predicts samples of {@code domain} in one batch, standardised with that domain's current statistics, admitting
     * none of them: e.g. held-out source samples, to measure the model on the source task without target labels.
     */
    public List<Prediction> predict(Domain domain, List<Sample> targets) {
        INDArray outputs = served().predictServedOutputs(toMatrix(domain, targets));
        return switch (model.spec().task()) {
            case CLASSIFICATION -> classes(targets, outputs.toFloatMatrix());
            case REGRESSION -> values(targets, outputs.reshape(-1).toDoubleVector());
        };
    }

    private List<Prediction> classes(List<Sample> targets, float[][] probabilities) {
        List<Prediction> predictions = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            float[] p = probabilities[i];
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            predictions.add(new Prediction(targets.get(i).id(), best, p, model.step()));
        }
        return predictions;
    }

    private List<Prediction> values(List<Sample> targets, double[] values) {
        List<Prediction> predictions = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            predictions.add(new Prediction(targets.get(i).id(), values[i], null, model.step()));
        }
        return predictions;
    }

    /**
     * The model as a prediction needs it now: the served model's parameters, and how target features are standardised
     * before them (the target domain's current statistics), versioned by the adapted model's step. What
     * {@link #predict} computes, as plain arrays.
     */
    public ModelExport export() {
        RunningStandardizer target = statistics(Domain.TARGET);
        boolean standardized = target != null;
        int dimension = model.spec().inputDim();
        double[] scale = standardized ? target.inverseStandardDeviations() : ones(dimension);
        TransferModel served = served();
        return new ModelExport(served.spec(), model.step(), served.servedParameters(),
                standardized ? target.means() : new double[dimension], scale);
    }

    /** The statistics {@code domain}'s features are standardised with now; null without standardisation. */
    private RunningStandardizer statistics(Domain domain) {
        return switch (settings.standardization()) {
            case PER_DOMAIN -> liveStatistics.get(domain);
            case PER_DOMAIN_GLOBAL -> liveStatistics.get(domain).global();
            case SHARED -> liveStatistics.get(Domain.SOURCE).pooledWith(liveStatistics.get(Domain.TARGET));
            case NONE -> null;
        };
    }

    private static double[] ones(int dimension) {
        double[] ones = new double[dimension];
        Arrays.fill(ones, 1.0);
        return ones;
    }

    public boolean readyToTrain() {
        return !state.overrides().paused() && buffered(Domain.SOURCE) >= settings.sourceBatch() && buffered(Domain.TARGET) >= settings.targetBatch();
    }

    public boolean readyToTrainSourceOnly() {
        return !state.overrides().paused() && buffered(Domain.SOURCE) >= settings.sourceBatch();
    }

    /** Whether feedback learning is on, not paused, and a source batch's worth of labelled target samples waits. */
    public boolean readyToLearnFeedback() {
        return settings.feedback().enabled() && !state.overrides().paused()
                && labelled.size() >= settings.sourceBatch();
    }

    /**
     * The steps one batch of labelled target samples earns: a supervised step on them (standardised as target
     * samples are, every domain term at λ = 0, step size scaled by the feedback weight), then
     * {@code train.steps-per-batch} − 1 such steps on batches drawn from the labelled replay memory. The labelled
     * samples reach here only after their prediction was published: test-then-train holds for them too.
     */
    public List<StepReport> learnFeedbackBatch() {
        List<StepReport> reports = new ArrayList<>(settings.stepsPerBatch());
        List<Sample> batch = new ArrayList<>(settings.sourceBatch());
        for (int i = 0; i < settings.sourceBatch(); i++) {
            batch.add(labelled.removeFirst());
        }
        StepReport fresh = feedbackStep(batch, false);
        if (fresh.outcome().applied()) {
            for (Sample sample : batch) {
                state.feedback().recordLearned(sample);
                if (settings.stepsPerBatch() > 1) {
                    replayWrites.add(new ReplayWrite(FEEDBACK, labelledReplay.add(sample), sample));
                }
            }
        } else {
            batch.forEach(sample -> state.feedback().recordDropped());
        }
        reports.add(fresh);
        for (int i = 1; labelledReplay.size() > 0 && i < settings.stepsPerBatch(); i++) {
            reports.add(labelledReplayStep());
        }
        return reports;
    }

    /** A supervised step on a batch drawn from the labelled replay memory, seeded by the model seed and step. */
    private StepReport labelledReplayStep() {
        SplittableRandom random = new SplittableRandom(model.spec().seed() * 0xC2B2AE3D27D4EB4FL + model.step());
        return feedbackStep(labelledReplay.draw(random, settings.sourceBatch()), true);
    }

    private StepReport feedbackStep(List<Sample> batch, boolean replayed) {
        INDArray x = toMatrix(Domain.TARGET, batch);
        double[] y = labels(batch);
        if (shadow != null && !replayed) {
            // Both models scored on the labels before either learns from them: the guard's feedback evidence.
            LabelledScores adapted = scores(model, x, y);
            LabelledScores sourceOnly = scores(shadow, x, y);
            guard.feedback(adapted.losses(), sourceOnly.losses(), adapted.logLosses(), sourceOnly.logLosses())
                    .ifPresent(switches::add);
            state.guard(guard.encode());
        }
        Map<String, Double> lambdas = new LinkedHashMap<>();
        model.spec().domainLosses().forEach(term -> lambdas.put(term.name(), 0.0));
        double learningRate = model.learningRate();
        long started = System.nanoTime();
        StepOutcome outcome;
        learningRate(learningRate * settings.feedback().weight());
        try {
            outcome = model.step(x, y, x, lambdas);
            if (shadow != null) {
                shadow.step(x, y, x, Map.of());
            }
        } finally {
            learningRate(learningRate);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!outcome.applied()) {
            state.recordSkippedStep();
        }
        long sourceAt = state.ledger(Domain.SOURCE).removed();
        long targetAt = state.ledger(Domain.TARGET).removed();
        return new StepReport(model.step(), outcome, lambdas, 0, batch.size(), false, replayed, true, seconds,
                sourceAt, sourceAt, targetAt, targetAt);
    }

    /**
     * One step on the oldest buffered batches. With {@code sourceOnly} (the target stream stalled) the domain
     * terms get λ = 0 and the source batch stands in for the target batch, so the graph keeps its shape.
     */
    public StepReport train(boolean sourceOnly) {
        long sourceFrom = state.ledger(Domain.SOURCE).removed();
        long targetFrom = state.ledger(Domain.TARGET).removed();
        List<Sample> source = take(Domain.SOURCE, settings.sourceBatch());
        List<Sample> target = sourceOnly ? List.of() : take(Domain.TARGET, settings.targetBatch());
        INDArray xs = toMatrix(Domain.SOURCE, source);
        INDArray xt = sourceOnly ? xs : toMatrix(Domain.TARGET, target);
        double[] ys = labels(source);
        Map<String, Double> lambdas = new LinkedHashMap<>();
        model.spec().domainLosses().forEach(term -> lambdas.put(term.name(),
                sourceOnly ? 0.0 : lambda(term.name())));

        if (!sourceOnly) {
            observeTargetBatch(xt);
        }
        long started = System.nanoTime();
        StepOutcome outcome = model.step(xs, ys, xt, lambdas);
        if (shadow != null) {
            shadow.step(xs, ys, xt, Map.of());
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        if (outcome.applied()) {
            source.forEach(s -> trained(Domain.SOURCE, s));
            target.forEach(s -> trained(Domain.TARGET, s));
        } else {
            // A batch that made the loss or a gradient non-finite is discarded, not retried: retrying would loop.
            state.recordSkippedStep();
            source.forEach(s -> state.ledger(Domain.SOURCE).recordDropped(s));
            target.forEach(s -> state.ledger(Domain.TARGET).recordDropped(s));
        }
        return new StepReport(model.step(), outcome, lambdas, source.size(), target.size(), sourceOnly, false,
                false, seconds, sourceFrom, state.ledger(Domain.SOURCE).removed(), targetFrom,
                state.ledger(Domain.TARGET).removed());
    }

    /**
     * The fraction of {@code targets} (standardised with the target statistics, none admitted) on which the shadow
     * predicts another class than the adapted model: what {@code kadapt_shadow_disagreement_ratio} measures on fresh
     * batches, here on any samples. NaN without a shadow, for regression, or for no samples.
     */
    public double disagreement(List<Sample> targets) {
        if (shadow == null || model.spec().task() != Task.CLASSIFICATION || targets.isEmpty()) {
            return Double.NaN;
        }
        INDArray x = toMatrix(Domain.TARGET, targets);
        int[] adapted = argmax(model.predictOutputs(x).toFloatMatrix());
        int[] sourceOnly = argmax(shadow.predictOutputs(x).toFloatMatrix());
        int different = 0;
        for (int i = 0; i < adapted.length; i++) {
            different += adapted[i] != sourceOnly[i] ? 1 : 0;
        }
        return (double) different / adapted.length;
    }

    /** Per row, the model's error on its label: 0/1 for a classifier, squared error for regression. */
    /**
     * A model's score on each labelled sample: squared error (regression), or 0/1 error and log-loss
     * (classification; null for regression).
     */
    private record LabelledScores(double[] losses, double[] logLosses) {
    }

    private LabelledScores scores(TransferModel scored, INDArray x, double[] y) {
        INDArray outputs = scored.predictOutputs(x);
        double[] losses = new double[y.length];
        if (scored.spec().task() == Task.REGRESSION) {
            double[] values = outputs.reshape(-1).toDoubleVector();
            for (int i = 0; i < y.length; i++) {
                losses[i] = (values[i] - y[i]) * (values[i] - y[i]);
            }
            return new LabelledScores(losses, null);
        }
        float[][] probabilities = outputs.toFloatMatrix();
        int[] predicted = argmax(probabilities);
        double[] logLosses = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            losses[i] = predicted[i] == (int) y[i] ? 0 : 1;
            logLosses[i] = -Math.log(probabilities[i][(int) y[i]]);
        }
        return new LabelledScores(losses, logLosses);
    }

    private static int[] argmax(float[][] probabilities) {
        int[] best = new int[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            for (int c = 1; c < probabilities[i].length; c++) {
                if (probabilities[i][c] > probabilities[i][best[i]]) {
                    best[i] = c;
                }
            }
        }
        return best;
    }

    /**
     * The guard's label-free evidence from a fresh target batch, before the step that trains on it, and the
     * shadow/adapted disagreements it shows.
     */
    private void observeTargetBatch(INDArray xt) {
        if (shadow == null || model.spec().task() != Task.CLASSIFICATION) {
            return;
        }
        float[][] adapted = model.predictOutputs(xt).toFloatMatrix();
        float[][] sourceOnly = shadow.predictOutputs(xt).toFloatMatrix();
        int[] adaptedClasses = argmax(adapted);
        int[] shadowClasses = argmax(sourceOnly);
        for (int i = 0; i < adaptedClasses.length; i++) {
            disagreements.add(adaptedClasses[i] != shadowClasses[i]);
        }
        guard.targetBatch(adapted, sourceOnly).ifPresent(switches::add);
        state.guard(guard.encode());
    }

    /** λ of a domain term for the next step: a control command's constant, else the configured schedule's value. */
    public double lambda(String term) {
        return state.overrides().lambda(term).orElseGet(() -> settings.lambda(term, model.step()));
    }

    /**
     * Applies a runtime control command to the settings of the steps to come; the caller persists {@link #state()}
     * (and, for a snapshot, the model). Replay of the same commands at the same points of the input gives the same
     * model: nothing here depends on time.
     *
     * @throws IllegalArgumentException for a λ of a term that is not a configured domain term
     */
    public ControlEffect apply(ControlCommand command) {
        RuntimeOverrides overrides = state.overrides();
        long step = model.step();
        if (command instanceof ControlCommand.SetLambda set) {
            if (model.spec().domainLosses().stream().noneMatch(term -> term.name().equals(set.term()))) {
                throw new IllegalArgumentException("'" + set.term() + "' is not a configured domain term");
            }
            double old = lambda(set.term());
            overrides.lambda(set.term(), set.lambda());
            return new ControlEffect(command.name(), set.term(), "loss." + set.term() + ".lambda", old, set.lambda(),
                    step, overrides.paused());
        }
        if (command instanceof ControlCommand.SetLearningRate set) {
            double old = model.learningRate();
            learningRate(set.learningRate());
            overrides.learningRate(set.learningRate());
            return new ControlEffect(command.name(), null, "train.learning-rate", old, set.learningRate(), step,
                    overrides.paused());
        }
        if (command instanceof ControlCommand.Pause || command instanceof ControlCommand.Resume) {
            boolean old = overrides.paused();
            overrides.paused(command instanceof ControlCommand.Pause);
            return new ControlEffect(command.name(), null, "train.paused", old, overrides.paused(), step,
                    overrides.paused());
        }
        return new ControlEffect(command.name(), null, "snapshot", null, step, step, overrides.paused());
    }

    private void trained(Domain domain, Sample sample) {
        state.ledger(domain).recordTrained(sample);
        if (settings.stepsPerBatch() > 1) {
            replayWrites.add(new ReplayWrite(domain.tag(), replay.get(domain).add(sample), sample));
        }
    }

    /**
     * The steps one ready source+target batch earns: a fresh step on it, then {@code train.steps-per-batch} − 1
     * replay steps, then (feedback learning on, labelled samples remembered) {@code feedback.learn.replay-steps}
     * supervised steps on the labelled replay memory.
     */
    public List<StepReport> trainReadyBatch() {
        List<StepReport> reports = new ArrayList<>(settings.stepsPerBatch() + settings.feedback().replaySteps());
        reports.add(train(false));
        boolean canReplay = replay.get(Domain.SOURCE).size() > 0 && replay.get(Domain.TARGET).size() > 0;
        for (int i = 1; canReplay && i < settings.stepsPerBatch(); i++) {
            reports.add(trainReplay());
        }
        boolean canReplayLabelled = settings.feedback().enabled() && labelledReplay.size() > 0;
        for (int i = 0; canReplayLabelled && i < settings.feedback().replaySteps(); i++) {
            reports.add(labelledReplayStep());
        }
        return reports;
    }

    /**
     * One step on batches drawn from the replay memories. The draw is seeded by the model seed and step, so
     * it is the same after a restart. Replay steps add nothing to the trained-id ledger: those samples were
     * counted when first trained.
     */
    StepReport trainReplay() {
        SplittableRandom random = new SplittableRandom(model.spec().seed() * 0x9E3779B97F4A7C15L + model.step());
        List<Sample> source = replay.get(Domain.SOURCE).draw(random, settings.sourceBatch());
        List<Sample> target = replay.get(Domain.TARGET).draw(random, settings.targetBatch());
        Map<String, Double> lambdas = new LinkedHashMap<>();
        model.spec().domainLosses().forEach(term -> lambdas.put(term.name(), lambda(term.name())));
        long started = System.nanoTime();
        INDArray xs = toMatrix(Domain.SOURCE, source);
        double[] ys = labels(source);
        INDArray xt = toMatrix(Domain.TARGET, target);
        StepOutcome outcome = model.step(xs, ys, xt, lambdas);
        if (shadow != null) {
            shadow.step(xs, ys, xt, Map.of());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!outcome.applied()) {
            state.recordSkippedStep();
        }
        long sourceAt = state.ledger(Domain.SOURCE).removed();
        long targetAt = state.ledger(Domain.TARGET).removed();
        return new StepReport(model.step(), outcome, lambdas, source.size(), target.size(), false, true, false,
                seconds,
                sourceAt, sourceAt, targetAt, targetAt);
    }

    /** Replay-memory writes since the last call, to persist. */
    public List<ReplayWrite> drainReplayWrites() {
        List<ReplayWrite> writes = List.copyOf(replayWrites);
        replayWrites.clear();
        return writes;
    }

    private List<Sample> take(Domain domain, int count) {
        ArrayDeque<Sample> buffer = buffers.get(domain);
        Sample[] taken = new Sample[count];
        for (int i = 0; i < count; i++) {
            taken[i] = buffer.removeFirst();
        }
        return List.of(taken);
    }

    private static double[] labels(List<Sample> samples) {
        return samples.stream().mapToDouble(Sample::label).toArray();
    }

    private INDArray toMatrix(Domain domain, List<Sample> samples) {
        int dimension = model.spec().inputDim();
        float[][] features = samples.stream().map(Sample::features).toArray(float[][]::new);
        float[][] rows = new float[samples.size()][dimension];
        RunningStandardizer statistics = statistics(domain);
        if (statistics != null) {
            statistics.standardize(features, rows);
        } else {
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(features[i], 0, rows[i], 0, dimension);
            }
        }
        INDArray matrix = Nd4j.create(rows);
        return matrix.dataType() == model.spec().dataType() ? matrix : matrix.castTo(model.spec().dataType());
    }

    @Override
    public void close() {
        model.close();
        if (shadow != null) {
            shadow.close();
        }
    }
}
