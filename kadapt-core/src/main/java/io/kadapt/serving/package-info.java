/**
 * The prediction path of a published model: {@link io.kadapt.serving.ServedModel} is an immutable copy of what a
 * prediction needs (the MLP's parameters and the target domain's standardisation), shared by every predicting
 * thread, and {@link io.kadapt.serving.ServedModel.Scratch} the per-thread working memory of its forward pass. May
 * import {@code io.kadapt.training} (the trainer's {@link io.kadapt.training.ModelExport}), {@code io.kadapt.model}
 * and {@code io.kadapt.data}; never Kafka.
 */
package io.kadapt.serving;
