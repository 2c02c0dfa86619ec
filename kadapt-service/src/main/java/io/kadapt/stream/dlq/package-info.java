/** Dead-letter routing: reasons, the rejection exception and the Kafka Streams exception handler. */
package io.kadapt.stream.dlq;
