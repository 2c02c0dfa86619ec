/**
 * The transfer model: an MLP feature extractor with a linear head (a classifier, or one output for regression:
 * {@code OutputHead}), trained online by one Adam step per (source batch, target batch) pair on
 * L = ℓ(source) + Σ_k λ_k·d_k, with snapshots for checkpointing.
 *
 * <p>{@link io.kadapt.model.TransferModel} is the entry point: it owns the optimiser, clipping, the divergence guards
 * and snapshots; a {@link io.kadapt.model.TransferEngine} computes losses, gradients and predictions behind it. Two
 * engines: {@code SameDiffEngine} (the {@code TransferGraph}, every loss term) and {@code FastEngine} (hand-written
 * forward and backward passes, {@code HandWrittenLosses} and {@code HandWrittenTerms}, BLAS through {@code Blas});
 * {@code EngineChoice} picks one. May import ND4J/SameDiff (and the OpenBLAS binding ND4J ships),
 * {@code io.kadapt.loss} and {@code io.kadapt.data}; never Kafka, never {@code io.kadapt.training}.
 */
package io.kadapt.model;
