/** JSON wire formats of kadapt topics (Java records, one Jackson mapping) and the validating deserializer. */
package io.kadapt.stream.serde;
