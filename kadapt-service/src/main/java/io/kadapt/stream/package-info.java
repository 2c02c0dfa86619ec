/**
 * The Kafka Streams topology: validating sources, the one processor that owns the model, its state stores, the
 * output sinks and dead-letter routing. Builds no tensors: it hands samples to {@code io.kadapt.training}.
 */
package io.kadapt.stream;
