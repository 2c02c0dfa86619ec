/**
 * JSON wire formats of kadapt topics (Java records, one Jackson mapping) and the validating deserializer with the
 * {@link io.kadapt.stream.serde.InboundRecord} it decodes to. Never imports {@code io.kadapt.stream}.
 */
package io.kadapt.stream.serde;
