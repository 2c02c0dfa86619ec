package io.kadapt.training;

import io.kadapt.data.Domain;
import io.kadapt.data.Prediction;
import io.kadapt.data.Sample;
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
 * batch. It knows nothing of Kafka; the caller persists the model, the {@link TrainerState} after each
 * step, and the buffered samples by the sequence numbers this class hands out.
 *
 * <p>Restart invariant: the live statistics equal the ledger's statistics of removed samples followed by
 * the still-buffered samples in arrival order, so a restored trainer is bit-identical to one that never
 * stopped.
 */
public final class OnlineTrainer implements AutoCloseable {
    private final TrainingSettings settings;
    private final TransferModel model;
    private final TrainerState state;
    private final Map<Domain, ArrayDeque<Sample>> buffers = new EnumMap<>(Domain.class);
    private final Map<Domain, RunningStandardizer> liveStatistics = new EnumMap<>(Domain.class);
    private final Map<Domain, ReplayMemory> replay = new EnumMap<>(Domain.class);
    private final List<ReplayWrite> replayWrites = new ArrayList<>();

    /** A sample that entered the replay memory at a slot, for the caller to persist. */
    public record ReplayWrite(Domain domain, int slot, Sample sample) {
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
        this.settings = settings;
        this.model = model;
        this.state = state;
        for (Domain domain : Domain.values()) {
            buffers.put(domain, new ArrayDeque<>());
            liveStatistics.put(domain, state.ledger(domain).removedStatistics().withVarianceFloor(settings.varianceFloor()));
            replay.put(domain, new ReplayMemory(settings.replayCapacity(), state.trainedDigest(domain).count(),
                    replayContents.getOrDefault(domain, List.of())));
        }
        state.overrides().learningRate().ifPresent(model::learningRate);
        bufferedSource.forEach(s -> buffer(Domain.SOURCE, s));
        bufferedTarget.forEach(s -> buffer(Domain.TARGET, s));
    }

    public TrainerState state() {
        return state;
    }

    public TransferModel model() {
        return model;
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
        INDArray outputs = model.predictOutputs(toMatrix(domain, targets));
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
     * The model as a prediction needs it now: parameters, and how target features are standardised before them
     * (the target domain's current statistics). What {@link #predict} computes, as plain arrays.
     */
    public ModelExport export() {
        RunningStandardizer target = statistics(Domain.TARGET);
        boolean standardized = target != null;
        int dimension = model.spec().inputDim();
        double[] scale = standardized ? target.inverseStandardDeviations() : ones(dimension);
        return new ModelExport(model.spec(), model.step(), model.parameters(),
                standardized ? target.means() : new double[dimension], scale);
    }

    /** The statistics {@code domain}'s features are standardised with now; null without standardisation. */
    private RunningStandardizer statistics(Domain domain) {
        return switch (settings.standardization()) {
            case PER_DOMAIN -> liveStatistics.get(domain);
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

        long started = System.nanoTime();
        StepOutcome outcome = model.step(xs, ys, xt, lambdas);
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
                seconds, sourceFrom, state.ledger(Domain.SOURCE).removed(), targetFrom,
                state.ledger(Domain.TARGET).removed());
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
            model.learningRate(set.learningRate());
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
            replayWrites.add(new ReplayWrite(domain, replay.get(domain).add(sample), sample));
        }
    }

    /**
     * The steps one ready source+target batch earns: a fresh step on it, then {@code train.steps-per-batch} − 1
     * replay steps.
     */
    public List<StepReport> trainReadyBatch() {
        List<StepReport> reports = new ArrayList<>(settings.stepsPerBatch());
        reports.add(train(false));
        boolean canReplay = replay.get(Domain.SOURCE).size() > 0 && replay.get(Domain.TARGET).size() > 0;
        for (int i = 1; canReplay && i < settings.stepsPerBatch(); i++) {
            reports.add(trainReplay());
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
        StepOutcome outcome = model.step(toMatrix(Domain.SOURCE, source), labels(source),
                toMatrix(Domain.TARGET, target), lambdas);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!outcome.applied()) {
            state.recordSkippedStep();
        }
        long sourceAt = state.ledger(Domain.SOURCE).removed();
        long targetAt = state.ledger(Domain.TARGET).removed();
        return new StepReport(model.step(), outcome, lambdas, source.size(), target.size(), false, true, seconds,
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
    }
}
