/**
 * The embedded Kafka broker and topic provisioning.
 *
 * <ul>
 *   <li>{@link io.kadapt.broker.EmbeddedKafkaBroker}: a real single-node KRaft broker (broker + controller) in this
 *       JVM, for the zero-setup default and for tests; exactly-once (transactions) works on it.</li>
 *   <li>{@link io.kadapt.broker.StandaloneBroker}: the same broker as a process of its own
 *       ({@code --port N --data-dir DIR}), for the reliability harness that bounces it.</li>
 *   <li>{@link io.kadapt.broker.TopicProvisioner}: makes sure the service's topics ({@link io.kadapt.broker.TopicSpec})
 *       exist, with the required partition counts, before Kafka Streams starts.</li>
 * </ul>
 *
 * <p>Clients that send 1 MiB records must raise the producer's {@code max.request.size} (default 1 MiB, which a 1 MiB
 * value plus key and headers exceeds); the broker accepts batches up to
 * {@link io.kadapt.broker.EmbeddedKafkaBroker#MESSAGE_MAX_BYTES}.
 */
package io.kadapt.broker;
