package io.kadapt.stream.serde;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The acknowledgement of one applied control command on the metrics topic, keyed {@code control/<commandId>}: the
 * audit record of the change. {@code modelStep} is the model's step when the command was applied; the change holds
 * from step {@code modelStep + 1} on. {@code controlPartition}/{@code controlOffset} locate the command in the
 * control topic. {@code type} tells it from the step records on the same topic.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ControlAckMessage(String type, String commandId, String command, String by,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String note,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String term,
                                String setting, Object oldValue, Object newValue, long modelStep, boolean paused,
                                String controlTopic, int controlPartition, long controlOffset, long timestamp) {
    public static final String TYPE = "control-ack";
    public static final String KEY_PREFIX = "control/";

    /** True for the key of an acknowledgement (step records are keyed by their step number). */
    public static boolean isAckKey(String key) {
        return key != null && key.startsWith(KEY_PREFIX);
    }
}
