/**
 * Loss terms of the transfer objective L = ℓ(source) + Σ_k λ_k·d_k(f(source), f(target)), written as SameDiff
 * sub-graphs so the model can differentiate them automatically.
 *
 * <p>May import ND4J/SameDiff only: never Kafka, never {@code io.kadapt.model} (the model depends on this package,
 * not the other way round).
 */
package io.kadapt.loss;
