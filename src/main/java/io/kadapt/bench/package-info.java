/**
 * The quality benchmark behind {@code kadapt bench quality}: real domain-adaptation datasets replayed through the
 * real topology ({@link io.kadapt.stream.AdaptationTopology#build}) in a {@code TopologyTestDriver}, each transfer
 * method side by side with source-only, prequential and final target accuracy over several seeds, and the
 * results table. Target labels only score; they never reach training.
 *
 * <p>May import {@code io.kadapt.config}, {@code replay}, {@code stream}, {@code training} (prediction with a stored
 * trainer), {@code metrics} and {@code service.StreamsProperties}; never a broker.
 */
package io.kadapt.bench;
