package io.kadapt.chaos;

import io.kadapt.data.Domain;
import io.kadapt.demo.DomainShiftStream;
import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.FeedbackMessage;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.serde.SampleMessage;
import io.kadapt.training.SampleIdDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fixed, seeded input of a chaos run: labelled source samples and unlabelled target samples of the demo's
 * domain-shift problem, produced before any kadapt starts.
 *
 * <p>Every record carries an explicit, unique timestamp (source and target alternate, 1 ms apart), and each input
 * topic has one partition, so each domain reaches the trainer in the order it was produced. How the two domains
 * interleave on the training topic depends on when the prediction application's tasks run; the verifier therefore
 * checks the model against a replay of the committed training log rather than against another run.
 *
 * <p>Between the samples it also produces what must be handled exactly once without touching the model: the true
 * label of each target on the feedback topic {@value #FEEDBACK_LAG} samples after the target (all but the last
 * {@value #FEEDBACK_LAG} targets get one), and every {@value #BAD_EVERY} samples a bad record (malformed JSON on the
 * source, target or feedback topic in turn, or a feedback label out of range), keyed {@code bad-N}, which must be
 * dead-lettered once each. In the first half of the stream it sends runtime control commands (set λ, set the learning
 * rate, pause, resume two sixteenths later, snapshot), each to be applied and acknowledged exactly once at the same
 * model step as in the reference run, and one invalid command to be dead-lettered. All of them come before the last
 * target sample, so they are processed (and committed)
 * before the run counts as finished.
 */
public final class ChaosInput {
    static final int FEEDBACK_LAG = 8;
    static final int BAD_EVERY = 10;

    private final List<String> sourceIds;
    private final List<String> targetIds;
    private final Map<String, String> deadLetters;
    private final List<String> labelledIds;
    private final List<String> commandIds;

    ChaosInput(List<String> sourceIds, List<String> targetIds, Map<String, String> deadLetters,
                       List<String> labelledIds) {
        this(sourceIds, targetIds, deadLetters, labelledIds, List.of());
    }

    ChaosInput(List<String> sourceIds, List<String> targetIds, Map<String, String> deadLetters,
               List<String> labelledIds, List<String> commandIds) {
        this.sourceIds = sourceIds;
        this.targetIds = targetIds;
        this.deadLetters = deadLetters;
        this.labelledIds = labelledIds;
        this.commandIds = commandIds;
    }

    /**
     * The control commands of the run, by the sample index (of {@code targets}) they follow, in sixteenths of the
     * stream: all in the first half, where the kills land, with a pause over a sixteenth of the stream. The λ is the
     * default domain term's ({@code mmd}); the learning rate doubles the default.
     */
    private static final int[] COMMAND_AT = {2, 4, 5, 6, 7};
    private static final String[] COMMANDS = {
        "\"command\":\"set-lambda\",\"term\":\"mmd\",\"value\":0.5",
        "\"command\":\"set-learning-rate\",\"value\":0.002",
        "\"command\":\"pause\"",
        "\"command\":\"resume\"",
        "\"command\":\"snapshot\""};
    /** A command that must be dead-lettered: λ of a term that is not configured. */
    private static final int BAD_COMMAND_AT = 3;
    static final String BAD_COMMAND_KEY = "bad-command";

    /** Generates and produces {@code sources} + {@code targets} samples (idempotent producer, acks=all, flushed). */
    public static ChaosInput produce(String bootstrap, Topics topics, long seed, int sources, int targets) {
        DomainShiftStream stream = new DomainShiftStream(seed, 35);
        List<String> sourceIds = new ArrayList<>();
        List<String> targetIds = new ArrayList<>();
        List<Integer> targetLabels = new ArrayList<>();
        Map<String, String> deadLetters = new java.util.LinkedHashMap<>();
        List<String> labelledIds = new ArrayList<>();
        List<String> commandIds = new ArrayList<>();
        long timestamp = System.currentTimeMillis();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < Math.max(sources, targets); i++) {
                if (i < sources) {
                    String id = "s-" + i;
                    DomainShiftStream.Point point = stream.next(Domain.SOURCE);
                    producer.send(new ProducerRecord<>(topics.source(), 0, timestamp++, id,
                            JsonCodec.write(SampleMessage.source(id, point.features(), point.label()))));
                    sourceIds.add(id);
                }
                if (i < targets) {
                    String id = "t-" + i;
                    DomainShiftStream.Point point = stream.next(Domain.TARGET);
                    producer.send(new ProducerRecord<>(topics.target(), 0, timestamp++, id,
                            JsonCodec.write(SampleMessage.target(id, point.features()))));
                    targetIds.add(id);
                    targetLabels.add(point.label());
                }
                int labelled = i - FEEDBACK_LAG;
                if (labelled >= 0 && labelled < targets - FEEDBACK_LAG) {
                    String id = targetIds.get(labelled);
                    producer.send(new ProducerRecord<>(topics.feedback(), 0, timestamp++, id,
                            JsonCodec.write(FeedbackMessage.of(id, targetLabels.get(labelled)))));
                    labelledIds.add(id);
                }
                if (i % BAD_EVERY == BAD_EVERY - 1 && i < targets - 1) {
                    String key = "bad-" + deadLetters.size();
                    int kind = deadLetters.size() % 4;
                    String topic = kind == 0 ? topics.source() : kind == 1 ? topics.target() : topics.feedback();
                    String value = kind == 3 ? "{\"id\":\"" + key + "\",\"label\":-1}" : "{\"id\":\"" + key + "\",broken";
                    producer.send(new ProducerRecord<>(topic, 0, timestamp++, key,
                            value.getBytes(StandardCharsets.UTF_8)));
                    deadLetters.put(key, kind == 3 ? "label_out_of_range" : "malformed_json");
                }
                for (int c = 0; c < COMMANDS.length; c++) {
                    if (i == targets * COMMAND_AT[c] / 16) {
                        String id = "cmd-" + c;
                        String json = "{\"id\":\"" + id + "\"," + COMMANDS[c] + ",\"by\":\"chaos-harness\"}";
                        producer.send(new ProducerRecord<>(topics.control(), 0, timestamp++, id,
                                json.getBytes(StandardCharsets.UTF_8)));
                        commandIds.add(id);
                    }
                }
                if (i == targets * BAD_COMMAND_AT / 16) {
                    String json = "{\"id\":\"" + BAD_COMMAND_KEY + "\",\"command\":\"set-lambda\","
                            + "\"term\":\"no-such-term\",\"value\":1,\"by\":\"chaos-harness\"}";
                    producer.send(new ProducerRecord<>(topics.control(), 0, timestamp++, BAD_COMMAND_KEY,
                            json.getBytes(StandardCharsets.UTF_8)));
                    deadLetters.put(BAD_COMMAND_KEY, "unknown_term");
                }
            }
            producer.flush();
        }
        return new ChaosInput(List.copyOf(sourceIds), List.copyOf(targetIds), Map.copyOf(deadLetters),
                List.copyOf(labelledIds), List.copyOf(commandIds));
    }

    public List<String> targetIds() {
        return targetIds;
    }

    /** The bad records by key, with the reason each must be dead-lettered for. */
    public Map<String, String> deadLetters() {
        return deadLetters;
    }

    /** The ids of the valid control commands sent, in log order: each must be acknowledged exactly once. */
    public List<String> commandIds() {
        return commandIds;
    }

    /** The targets whose true label was sent on the feedback topic, in order. */
    public List<String> labelledIds() {
        return labelledIds;
    }

    /** Fresh batches the input makes: each takes the oldest full batch of each domain. */
    public long expectedSteps(int sourceBatch, int targetBatch) {
        return Math.min(sourceIds.size() / sourceBatch, targetIds.size() / targetBatch);
    }

    /** Full batches (of {@code train.batch.source}) of labelled targets: every label sent meets its prediction. */
    public long expectedLabelledBatches(int sourceBatch) {
        return labelledIds.size() / sourceBatch;
    }

    /**
     * The fewest model steps the input makes: {@code train.steps-per-batch} for every fresh source+target batch and for
     * every labelled batch. Each source+target batch trained after the first labelled batch also earns
     * {@code feedback.learn.replay-steps}; how many those are depends on where the labels land among the samples on the
     * training topic, so the exact count comes from a replay of the committed training log.
     */
    public long minimumModelSteps(int sourceBatch, int targetBatch, int stepsPerBatch) {
        return (expectedSteps(sourceBatch, targetBatch) + expectedLabelledBatches(sourceBatch)) * stepsPerBatch;
    }

    /** Digest of the ids the trainer must have trained on, exactly once each, after {@code batches} fresh batches. */
    public SampleIdDigest expectedTrained(Domain domain, long batches, int batch) {
        List<String> ids = domain == Domain.SOURCE ? sourceIds : targetIds;
        SampleIdDigest digest = SampleIdDigest.EMPTY;
        for (String id : ids.subList(0, Math.toIntExact(batches * batch))) {
            digest = digest.plus(id);
        }
        return digest;
    }
}
