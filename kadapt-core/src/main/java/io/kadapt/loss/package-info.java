/**
 * Loss terms of the transfer objective L = ℓ(source) + Σ_k λ_k·d_k(f(source), f(target)), written as SameDiff
 * sub-graphs so the model can differentiate them automatically. Each term class declares a {@code TERM} (name,
 * tasks, configuration keys with defaults and docs, factory); {@link io.kadapt.loss.LossCatalogue} lists them, and
 * configuration, README tables and error messages derive from it: adding a term is its class plus one line there.
 *
 * <p>May import ND4J/SameDiff and {@code io.kadapt.data} only: never Kafka, never {@code io.kadapt.model} (the model
 * depends on this package, not the other way round).
 */
package io.kadapt.loss;
