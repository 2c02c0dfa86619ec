package io.kadapt.stream.serde;

import com.fasterxml.jackson.databind.JsonNode;

/** The wire form of a late target label: {@code {"id":"t-17","label":3}}. */
public record FeedbackMessage(String id, JsonNode label) {
}
