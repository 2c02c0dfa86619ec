/**
 * Configuration: the service's keys ({@link io.kadapt.config.ConfigKey}) and the loss terms' own (declared in
 * {@code io.kadapt.loss.LossCatalogue}), joined in {@link io.kadapt.config.ConfigEntry}; layered from defaults, a file,
 * the environment and overrides ({@link io.kadapt.config.KadaptConfig}); turned into the core's settings by
 * {@link io.kadapt.config.ModelSpecs}. May import the core; nothing else of kadapt.
 */
package io.kadapt.config;
