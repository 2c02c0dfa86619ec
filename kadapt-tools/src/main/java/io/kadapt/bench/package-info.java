/**
 * The benchmarks behind {@code kadapt bench}:
 * <ul>
 * <li>{@code quality}: real domain-adaptation datasets replayed through the real topology
 * ({@link io.kadapt.stream.AdaptationTopology#build}) in a {@code TopologyTestDriver}, each transfer method side by
 * side with source-only, prequential and final target accuracy over several seeds. Target labels only score; they
 * never reach training.</li>
 * <li>{@code perf}: training-step timings, the GEMM limit, the PyTorch peer ({@code bench/torch_peer.py}),
 * end-to-end throughput and latency through a broker, and memory — every figure a ratio against a baseline
 * measured in the same run, because the machines it runs on are shared and noisy.</li>
 * </ul>
 *
 * <p>May import the model, loss, training, config, stream, service, client, replay and broker packages; nothing
 * imports it but the CLI and tests. Lives in kadapt-tools (with kafka-streams-test-utils at compile scope): never in
 * the service jar or image.
 */
package io.kadapt.bench;
