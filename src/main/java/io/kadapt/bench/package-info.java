/**
 * The performance benchmark behind {@code kadapt bench perf}: training-step timings, the GEMM limit, the PyTorch
 * peer ({@code bench/torch_peer.py}), end-to-end throughput and latency through a broker, and memory — every figure
 * a ratio against a baseline measured in the same run, because the machines it runs on are shared and noisy.
 *
 * <p>May import the model, loss, training, config, stream, service, client and broker packages; nothing imports it
 * but the CLI and tests.
 */
package io.kadapt.bench;
