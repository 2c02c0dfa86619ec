/** Wiring only: cluster connection (configured or embedded), topics, Kafka Streams, metrics, HTTP. */
package io.kadapt.service;
