/**
 * kadapt's Micrometer meters; their Prometheus names are a public interface documented in README.md. May import the
 * core's data types and its label-free monitor's snapshots; never the stream layer (which records into these meters).
 */
package io.kadapt.metrics;
