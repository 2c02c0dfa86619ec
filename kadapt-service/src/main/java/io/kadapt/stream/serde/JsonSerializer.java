package io.kadapt.stream.serde;

import org.apache.kafka.common.serialization.Serializer;

/** Writes any record of kadapt's output topics as JSON. */
public final class JsonSerializer<T> implements Serializer<T> {
    @Override
    public byte[] serialize(String topic, T value) {
        return value == null ? null : JsonCodec.write(value);
    }
}
