/** The operator HTTP endpoints (/metrics, /health/live, /health/ready, /info) on the JDK HTTP server. */
package io.kadapt.http;
