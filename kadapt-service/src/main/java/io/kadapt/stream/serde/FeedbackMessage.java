package io.kadapt.stream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;

/** The wire form of a late target label: {@code {"id":"t-17","label":3}}. */
public record FeedbackMessage(String id, JsonNode label) {

    /** The true class of target sample {@code id}. */
    public static FeedbackMessage of(String id, int label) {
        return new FeedbackMessage(id, IntNode.valueOf(label));
    }
}
