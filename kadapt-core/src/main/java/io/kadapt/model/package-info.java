/**
 * The transfer model: an MLP feature extractor with a linear head (a classifier, or one output for regression:
 * {@code OutputHead}), trained online by one Adam step per
 * (source batch, target batch) pair on L = ℓ(source) + Σ_k λ_k·d_k, with snapshots for checkpointing.
 *
 * <p>Two engines compute a step behind {@code TransferEngine}: {@code SameDiffEngine} (the {@code TransferGraph},
 * every loss term) and {@code FastEngine} (hand-written forward and backward passes, {@code HandWrittenLosses} and
 * {@code HandWrittenTerms}, BLAS through {@code Blas}); {@code EngineChoice} picks one.
 *
 * <p>May import ND4J/SameDiff (and the OpenBLAS binding ND4J ships) and {@code io.kadapt.loss}; never Kafka.
 * {@link io.kadapt.model.TransferModel} is the entry point; the other package-private classes each do one part of
 * its job.
 */
package io.kadapt.model;
