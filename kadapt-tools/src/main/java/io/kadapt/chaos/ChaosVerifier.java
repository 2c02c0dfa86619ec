package io.kadapt.chaos;

import io.kadapt.data.Domain;
import io.kadapt.model.ModelSnapshot;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.training.AccuracyWindow;
import io.kadapt.training.SampleIdDigest;
import io.kadapt.training.TrainerState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exactly-once checks on what a run committed, against the input it was given and, when there is one, an
 * uninterrupted reference run on the same input:
 *
 * <ol>
 *   <li>every target sample has exactly one committed prediction, and no other id has one;</li>
 *   <li>every step 1..S has exactly one committed metrics record;</li>
 *   <li>the committed trainer state has trained exactly the ids of the first S full batches of each domain (count,
 *       sum and xor of the id hashes — {@link SampleIdDigest}), skipped and dropped nothing, and the model is at
 *       step S;</li>
 *   <li>the model (parameters and Adam moments) is bit-identical to the model an uninterrupted trainer makes of the
 *       committed training log ({@link TrainingReplay}): the trainer read every record of its input exactly once,
 *       in order. (Not to the reference run's model: the order in which the prediction path interleaves source and
 *       target samples on the training topic depends on timing, so two runs train on different orders.)</li>
 *   <li>every bad record of the input is on the dead-letter topic exactly once, with its reason, and nothing else
 *       is;</li>
 *   <li>every control command has exactly one acknowledgement on the metrics topic, and nothing else is
 *       acknowledged. (Its effects are proven by the replay above: commands travel on the training topic, so the
 *       replay applies them at the same point of the log. The model step of an acknowledgement is not compared with
 *       a reference run's: like the interleaving of domains, it depends on timing.)</li>
 *   <li>every feedback label was scored exactly once: the committed feedback score counts exactly the labels sent,
 *       no label waits unmatched, and exactly the unlabelled targets' predictions wait for a label.</li>
 *   <li>every labelled target sample was learned from exactly once (feedback learning): the ids learned from (the
 *       trainer state's digest) and the ids still waiting in the labelled buffer are together exactly the labelled
 *       ids, each once; all but the last partial batch were learned from.</li>
 * </ol>
 */
public final class ChaosVerifier {
    private static final int MAX_LISTED = 5;

    private final ChaosInput input;
    private final int sourceBatch;
    private final int targetBatch;
    private final int stepsPerBatch;
    private final int inputDim;
    private final Function<List<ConsumerRecord<String, byte[]>>, ModelCheckpointStore.Checkpoint> replay;

    /**
     * @param replay the models (adapted, and the guard's shadow if any) an uninterrupted trainer makes of a training
     *               log ({@link TrainingReplay})
     */
    public ChaosVerifier(ChaosInput input, int sourceBatch, int targetBatch, int stepsPerBatch, int inputDim,
                         Function<List<ConsumerRecord<String, byte[]>>, ModelCheckpointStore.Checkpoint> replay) {
        this.input = input;
        this.sourceBatch = sourceBatch;
        this.targetBatch = targetBatch;
        this.stepsPerBatch = stepsPerBatch;
        this.inputDim = inputDim;
        this.replay = replay;
    }

    public ChaosVerdict verify(RunOutput run, RunOutput reference) {
        List<String> failures = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        checkPredictions(run, failures, facts);
        long batches = input.expectedSteps(sourceBatch, targetBatch);
        ModelCheckpointStore.Checkpoint expected = replay.apply(run.training());
        long steps = replayedSteps(expected, failures);
        checkSteps(run, steps, failures);
        checkTrainer(run, batches, steps, failures, facts);
        checkDeadLetters(run, failures, facts);
        checkControl(run, failures, facts);
        checkFeedback(run, failures, facts);
        compareWithReplay(run, expected, failures, facts);
        return new ChaosVerdict(List.copyOf(failures), List.copyOf(facts));
    }

    /**
     * The step an uninterrupted trainer reaches on the committed training log: what the run's steps are checked
     * against. At least the input's {@link ChaosInput#minimumModelSteps}, else training was lost; the minimum itself
     * if the replay's model cannot be read (a failure).
     */
    private long replayedSteps(ModelCheckpointStore.Checkpoint expected, List<String> failures) {
        long minimum = input.minimumModelSteps(sourceBatch, targetBatch, stepsPerBatch);
        long steps;
        try {
            steps = ModelSnapshot.decode(expected.model()).step();
        } catch (RuntimeException e) {
            failures.add("the replay of the committed training log gave no readable model: " + e.getMessage());
            return minimum;
        }
        if (steps < minimum) {
            failures.add("the committed training log replays to step " + steps + ", fewer than the " + minimum
                    + " steps the input makes");
        }
        return steps;
    }

    private void checkPredictions(RunOutput run, List<String> failures, List<String> facts) {
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        long extra = 0;
        for (String id : input.targetIds()) {
            List<PredictionMessage> predictions = run.predictions().get(id);
            if (predictions == null) {
                missing.add(id);
            } else if (predictions.size() > 1) {
                duplicated.add(id + " ×" + predictions.size());
                extra += predictions.size() - 1;
            }
        }
        Set<String> unexpected = new HashSet<>(run.predictions().keySet());
        unexpected.removeAll(input.targetIds());
        facts.add("predictions: " + run.predictions().values().stream().mapToInt(List::size).sum() + " committed for "
                + input.targetIds().size() + " target samples");
        if (!missing.isEmpty()) {
            failures.add(missing.size() + " target samples have no committed prediction, e.g. " + first(missing));
        }
        if (!duplicated.isEmpty()) {
            failures.add(duplicated.size() + " target samples have more than one committed prediction (" + extra
                    + " duplicates), e.g. " + first(duplicated));
        }
        if (!unexpected.isEmpty()) {
            failures.add(unexpected.size() + " predictions for ids never sent, e.g. " + first(new ArrayList<>(unexpected)));
        }
    }

    private void checkDeadLetters(RunOutput run, List<String> failures, List<String> facts) {
        List<String> wrong = new ArrayList<>();
        input.deadLetters().forEach((key, reason) -> {
            List<String> reasons = run.deadLetters().getOrDefault(key, List.of());
            if (!reasons.equals(List.of(reason))) {
                wrong.add(key + " " + (reasons.isEmpty() ? "missing" : reasons) + " (expected " + reason + ")");
            }
        });
        run.deadLetters().keySet().stream().filter(key -> !input.deadLetters().containsKey(key))
                .forEach(key -> wrong.add(key + " was not a bad record"));
        facts.add("dead letters: " + run.deadLetters().values().stream().mapToInt(List::size).sum() + " committed for "
                + input.deadLetters().size() + " bad records");
        if (!wrong.isEmpty()) {
            failures.add(wrong.size() + " bad records not dead-lettered exactly once with their reason, e.g. "
                    + first(wrong));
        }
    }

    /**
     * Every valid control command acknowledged exactly once and nothing else acknowledged: the command and the trainer
     * state it changed committed together with its acknowledgement, and a restart did not apply it again.
     */
    private void checkControl(RunOutput run, List<String> failures, List<String> facts) {
        List<String> wrong = new ArrayList<>();
        for (String id : input.commandIds()) {
            int count = run.acks().getOrDefault(id, List.of()).size();
            if (count != 1) {
                wrong.add(id + " ×" + count);
            }
        }
        run.acks().keySet().stream().filter(id -> !input.commandIds().contains(id))
                .forEach(id -> wrong.add(id + " was not a command sent"));
        facts.add("control: " + run.acks().values().stream().mapToInt(List::size).sum() + " acknowledgements for "
                + input.commandIds().size() + " commands");
        if (!wrong.isEmpty()) {
            failures.add(wrong.size() + " control commands not acknowledged exactly once, e.g. " + first(wrong));
        }
    }

    /** Key of the feedback score in the ledger store ({@code PredictionLedgerStore}'s, kept from before regression). */
    static final String SCORE_KEY = "~accuracy";

    private void checkFeedback(RunOutput run, List<String> failures, List<String> facts) {
        byte[] score = run.ledger().get(SCORE_KEY);
        if (score == null) {
            failures.add("no feedback score in the ledger changelog");
            return;
        }
        long scored = AccuracyWindow.decode(score, java.nio.ByteBuffer.wrap(score).getInt()).total(); // its own window
        facts.add("feedback: " + scored + " labels scored of " + input.labelledIds().size() + " sent");
        if (scored != input.labelledIds().size()) {
            failures.add("feedback labels scored " + scored + " times for " + input.labelledIds().size()
                    + " labels sent" + (scored > input.labelledIds().size() ? ": labels scored twice" : ": labels lost"));
        }
        Set<String> waitingLabels = new HashSet<>();
        Set<String> waitingPredictions = new HashSet<>();
        run.ledger().keySet().forEach(key -> {
            if (key.startsWith("l/")) {
                waitingLabels.add(key.substring(2));
            } else if (key.startsWith("p/")) {
                waitingPredictions.add(key.substring(2));
            }
        });
        Set<String> unlabelled = new HashSet<>(input.targetIds());
        input.labelledIds().forEach(unlabelled::remove);
        if (!waitingLabels.isEmpty()) {
            failures.add(waitingLabels.size() + " feedback labels still wait for their prediction, e.g. "
                    + first(new ArrayList<>(waitingLabels)));
        }
        if (!waitingPredictions.equals(unlabelled)) {
            failures.add("predictions waiting for a label: " + waitingPredictions.size() + ", expected the "
                    + unlabelled.size() + " unlabelled targets");
        }
    }

    private static void checkSteps(RunOutput run, long steps, List<String> failures) {
        List<String> wrong = new ArrayList<>();
        for (long step = 1; step <= steps; step++) {
            int count = run.steps().getOrDefault(step, 0);
            if (count != 1) {
                wrong.add("step " + step + " ×" + count);
            }
        }
        run.steps().keySet().stream().filter(s -> s < 1 || s > steps).forEach(s -> wrong.add("step " + s + " (beyond "
                + steps + ")"));
        if (!wrong.isEmpty()) {
            failures.add(wrong.size() + " steps not committed exactly once in the metrics topic, e.g. " + first(wrong));
        }
    }

    private void checkTrainer(RunOutput run, long batches, long steps, List<String> failures, List<String> facts) {
        if (run.checkpoint().isEmpty()) {
            failures.add("no model checkpoint in the changelog");
            return;
        }
        ModelCheckpointStore.Checkpoint checkpoint = run.checkpoint().get();
        TrainerState trainer = TrainerState.decode(checkpoint.trainer(), inputDim);
        long modelStep = ModelSnapshot.decode(checkpoint.model()).step();
        facts.add("model at step " + modelStep + " of " + steps + " (the replay's)");
        if (modelStep != steps) {
            failures.add("model at step " + modelStep + ", expected " + steps);
        }
        for (Domain domain : Domain.values()) {
            int batch = domain == Domain.SOURCE ? sourceBatch : targetBatch;
            SampleIdDigest expected = input.expectedTrained(domain, batches, batch);
            SampleIdDigest actual = trainer.trainedDigest(domain);
            facts.add(domain.tag() + " trained " + actual.count() + " of " + expected.count() + " expected ids");
            if (!expected.equals(actual)) {
                failures.add(domain.tag() + " trained-id digest " + actual + " differs from the expected " + expected
                        + (actual.count() > expected.count() ? ": samples trained twice"
                        : actual.count() < expected.count() ? ": samples lost" : ": other ids trained"));
            }
            if (trainer.droppedSamples(domain) != 0) {
                failures.add(domain.tag() + ": " + trainer.droppedSamples(domain) + " samples dropped");
            }
        }
        if (trainer.skippedSteps() != 0) {
            failures.add(trainer.skippedSteps() + " steps skipped");
        }
        checkLearnedFeedback(run, trainer, failures, facts);
    }

    private void checkLearnedFeedback(RunOutput run, TrainerState trainer, List<String> failures, List<String> facts) {
        List<String> labelled = input.labelledIds();
        long learnedExpected = labelled.size() / sourceBatch * (long) sourceBatch;
        SampleIdDigest learned = trainer.learnedFeedbackDigest();
        facts.add("feedback learning: learned from " + learned.count() + " of " + learnedExpected
                + " expected labelled samples, " + run.labelledWaiting().size() + " waiting");
        SampleIdDigest all = SampleIdDigest.EMPTY;
        for (String id : labelled) {
            all = all.plus(id);
        }
        SampleIdDigest accounted = learned;
        for (String id : run.labelledWaiting()) {
            accounted = accounted.plus(id);
        }
        if (learned.count() != learnedExpected || !accounted.equals(all)) {
            failures.add("labelled samples learned from " + learned + " and waiting " + run.labelledWaiting().size()
                    + " are not the " + labelled.size() + " labelled ids exactly once (expected " + learnedExpected
                    + " learned" + (accounted.count() > all.count() ? "; some twice)" : ")"));
        }
        if (trainer.droppedFeedback() != 0) {
            failures.add(trainer.droppedFeedback() + " labelled samples dropped");
        }
    }

    private void compareWithReplay(RunOutput run, ModelCheckpointStore.Checkpoint expected, List<String> failures,
                                   List<String> facts) {
        if (run.checkpoint().isEmpty()) {
            failures.add("cannot compare models: the checkpoint is missing");
            return;
        }
        compareModels("model", run.checkpoint().get().model(), expected.model(), run, failures, facts);
        if (expected.shadow() != null) {
            compareModels("shadow model", run.checkpoint().get().shadow(), expected.shadow(), run, failures, facts);
        }
    }

    private static void compareModels(String what, byte[] model, byte[] expected, RunOutput run, List<String> failures,
                                      List<String> facts) {
        if (model == null) {
            failures.add("no " + what + " in the checkpoint");
            return;
        }
        if (Arrays.equals(model, expected)) {
            facts.add(what + " bit-identical to an uninterrupted trainer on the committed training log ("
                    + run.training().size() + " records, " + model.length + " bytes)");
            return;
        }
        ModelSnapshot actualSnapshot = ModelSnapshot.decode(model);
        ModelSnapshot expectedSnapshot = ModelSnapshot.decode(expected);
        double worst = 0;
        String worstName = "?";
        for (String name : expectedSnapshot.names()) {
            if (!actualSnapshot.names().contains(name)) {
                continue;
            }
            INDArray a = actualSnapshot.array(name).castTo(DataType.DOUBLE);
            INDArray b = expectedSnapshot.array(name).castTo(DataType.DOUBLE);
            double difference = a.sub(b).amaxNumber().doubleValue();
            if (difference > worst) {
                worst = difference;
                worstName = name;
            }
        }
        failures.add(what + " differs from an uninterrupted trainer on the committed training log: max |Δ| = " + worst
                + " in " + worstName
                + " (steps " + actualSnapshot.step() + " vs " + expectedSnapshot.step() + ")");
    }

    private static String first(List<String> items) {
        List<String> sorted = items.stream().sorted().limit(MAX_LISTED).toList();
        return String.join(", ", sorted) + (items.size() > MAX_LISTED ? ", …" : "");
    }
}
