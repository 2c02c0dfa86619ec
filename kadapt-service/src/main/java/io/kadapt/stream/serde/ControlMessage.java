package io.kadapt.stream.serde;

/**
 * The wire form of a runtime control command on the control topic, e.g.
 * {@code {"id":"c-7","command":"set-lambda","term":"mmd","value":0.5,"by":"alice","note":"less alignment"}}.
 * {@code term} only for {@code set-lambda}, {@code value} for {@code set-lambda} and {@code set-learning-rate};
 * {@code note} is optional and copied into the acknowledgement.
 */
public record ControlMessage(String id, String command, String term, Double value, String by, String note) {
}
