/**
 * Taking the adapted model out of kadapt: {@link io.kadapt.export.ModelExporter} reads a running or stopped
 * application's model and buffers from their changelog topics and writes {@code model.npz} (NumPy, see
 * {@link io.kadapt.model.NumpyArchive}) and {@code model.json} (the spec that says how to compute a prediction).
 * May import the core, config, stream state and service (cluster connection); nothing imports it but the CLI.
 */
package io.kadapt.export;
