/**
 * Label-free monitoring of an adapting model: scores computed from the target predictions alone (entropy,
 * information maximisation, soft neighbourhood density, predicted-class distribution), input drift per domain on
 * raw feature rows, and the shadow/adapted disagreement rate, each over a bounded recent window. Plain Java on
 * {@code double} arrays: may import {@code io.kadapt.data} and the JDK only; never ND4J, Kafka, Micrometer, the
 * model, the losses or the trainer (the service feeds it and exports its snapshots).
 */
package io.kadapt.monitor;
