/**
 * Configuration: every key kadapt understands ({@link io.kadapt.config.ConfigKey}), layered from defaults,
 * a file, the environment and overrides ({@link io.kadapt.config.KadaptConfig}). Imports nothing of kadapt.
 */
package io.kadapt.config;
