/**
 * The online test-then-train loop around the model: buffers, per-domain running statistics, replay memories,
 * the exactly-once ledger of trained ids. May import {@code io.kadapt.model}, {@code io.kadapt.loss},
 * {@code io.kadapt.config} and ND4J; never Kafka: the stream layer persists what this package hands it.
 */
package io.kadapt.training;
