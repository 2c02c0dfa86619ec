package io.kadapt.stream;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import java.util.List;

/** The one registry of kadapt's topic names. */
public record Topics(String source, String target, String feedback, String control, String predictions,
                     String metrics, String deadLetter, String training, String model) {

    public static Topics from(KadaptConfig config) {
        return new Topics(config.required(ConfigKey.TOPIC_SOURCE), config.required(ConfigKey.TOPIC_TARGET),
                config.required(ConfigKey.TOPIC_FEEDBACK), config.required(ConfigKey.TOPIC_CONTROL),
                config.required(ConfigKey.TOPIC_PREDICTIONS), config.required(ConfigKey.TOPIC_METRICS),
                config.required(ConfigKey.TOPIC_DLQ), config.required(ConfigKey.TOPIC_TRAINING),
                config.required(ConfigKey.TOPIC_MODEL));
    }

    /**
     * The user's input topics: any number of partitions each (kadapt creates the control topic with one partition,
     * since the order of commands matters, and the others with {@code topics.partitions}).
     */
    public List<String> inputs() {
        return List.of(source, target, feedback, control);
    }

    public List<String> outputs() {
        return List.of(predictions, metrics, deadLetter);
    }

    /** kadapt's own topics between its prediction path and its trainer: one partition each, one trainer. */
    public List<String> internal() {
        return List.of(training, model);
    }
}
