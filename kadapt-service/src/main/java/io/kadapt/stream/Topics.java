package io.kadapt.stream;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import java.util.List;

/** The one registry of kadapt's topic names. */
public record Topics(String source, String target, String feedback, String control, String predictions,
                     String metrics, String deadLetter) {

    public static Topics from(KadaptConfig config) {
        return new Topics(config.required(ConfigKey.TOPIC_SOURCE), config.required(ConfigKey.TOPIC_TARGET),
                config.required(ConfigKey.TOPIC_FEEDBACK), config.required(ConfigKey.TOPIC_CONTROL),
                config.required(ConfigKey.TOPIC_PREDICTIONS),
                config.required(ConfigKey.TOPIC_METRICS), config.required(ConfigKey.TOPIC_DLQ));
    }

    /** Read together by the one task that owns the model, so they must have exactly one partition each. */
    public List<String> inputs() {
        return List.of(source, target, feedback, control);
    }

    public List<String> outputs() {
        return List.of(predictions, metrics, deadLetter);
    }
}
