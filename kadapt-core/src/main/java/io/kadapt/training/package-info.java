/**
 * The online test-then-train loop around the model: buffers, per-domain running statistics, replay memories,
 * the exactly-once ledger of trained ids, and runtime control commands with the settings they override. May import {@code io.kadapt.model}, {@code io.kadapt.loss},
 * {@code io.kadapt.data} and ND4J; never Kafka and nothing of the service: the stream layer persists what this
 * package hands it, and the service's configuration builds its settings.
 */
package io.kadapt.training;
