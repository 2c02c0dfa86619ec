/** kadapt's Micrometer meters; their Prometheus names are a public interface documented in README.md. */
package io.kadapt.metrics;
