package io.kadapt.stream.dlq;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Why an input record went to the dead-letter topic: the {@code reason} header and metric tag. */
public enum RejectReason {
    MALFORMED_JSON,
    MISSING_ID,
    MISSING_FEATURES,
    WRONG_FEATURE_COUNT,
    NON_FINITE_FEATURE,
    FEATURE_OUT_OF_RANGE,
    MISSING_LABEL,
    INVALID_LABEL,
    LABEL_OUT_OF_RANGE,
    NON_FINITE_LABEL,
    UNEXPECTED_LABEL,
    UNKNOWN_COMMAND,
    UNKNOWN_TERM,
    INVALID_COMMAND_VALUE,
    MISSING_ISSUER,
    PROCESSING_ERROR;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every reason's tag, for metrics that count by reason. */
    public static List<String> tags() {
        return Arrays.stream(values()).map(RejectReason::tag).toList();
    }
}
