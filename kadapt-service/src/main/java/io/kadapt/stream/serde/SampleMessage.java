package io.kadapt.stream.serde;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The wire form of a source or target sample, before validation: {@code {"id":"s-1","features":[...],"label":3}}.
 * The label is kept as a JSON node so a fractional or textual label can be rejected with its own reason.
 */
public record SampleMessage(String id, double[] features, JsonNode label) {
}
