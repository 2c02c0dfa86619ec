/** The synthetic domain-shift stream and feeder behind {@code kadapt demo}. */
package io.kadapt.demo;
