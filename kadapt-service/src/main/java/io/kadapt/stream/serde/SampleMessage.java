package io.kadapt.stream.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;

/**
 * The wire form of a source or target sample, before validation: {@code {"id":"s-1","features":[...],"label":3}}.
 * The label is kept as a JSON node so a fractional or textual label can be rejected with its own reason; a target
 * sample has none (the field is left out).
 */
public record SampleMessage(String id,
                            @JsonSerialize(using = SinglePrecisionArraySerializer.class) double[] features,
                            @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode label) {

    /** A labelled source sample of a classifier. */
    public static SampleMessage source(String id, float[] features, int label) {
        return new SampleMessage(id, widen(features), IntNode.valueOf(label));
    }

    /** A labelled source sample of a regressor. */
    public static SampleMessage source(String id, float[] features, double value) {
        return new SampleMessage(id, widen(features), DoubleNode.valueOf(value));
    }

    /** An unlabelled target sample. */
    public static SampleMessage target(String id, float[] features) {
        return new SampleMessage(id, widen(features), null);
    }

    private static double[] widen(float[] features) {
        double[] values = new double[features.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = features[i];
        }
        return values;
    }
}
