package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ModelChunksTest {

    private static byte[] model(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Map<String, byte[]> store(List<KeyValue<String, byte[]>> records, Map<String, byte[]> into) {
        records.forEach(r -> into.put(r.key, r.value));
        return into;
    }

    @Test
    @DisplayName("a model cut into chunks below the limit is reassembled byte for byte from any of its chunks")
    void roundTrip() {
        byte[] model = model(2500, 1);
        List<KeyValue<String, byte[]>> chunks = ModelChunks.split(model, 42, 1000, 1000);
        assertEquals(3, chunks.size());
        chunks.forEach(c -> assertTrue(c.value.length <= 1000 + 28, "chunk of " + c.value.length + " bytes"));
        Map<String, byte[]> store = store(chunks, new HashMap<>());
        for (KeyValue<String, byte[]> chunk : chunks) {
            ModelChunks.Version version = ModelChunks.assemble(ModelChunks.parse(chunk.value), store::get).orElseThrow();
            assertEquals(42, version.step());
            assertEquals(1000, version.steppedAtMs());
            assertArrayEquals(model, version.model());
        }
        assertEquals(1, ModelChunks.split(new byte[0], 1, 1, 1000).size(), "an empty model is one chunk");
    }

    @Test
    @DisplayName("a version with a chunk missing or from another version is not complete")
    void incompleteVersions() {
        Map<String, byte[]> store = store(ModelChunks.split(model(2500, 1), 1, 10, 1000), new HashMap<>());
        // Version 2 is smaller: two chunks overwrite 0 and 1, the stale chunk 2 of version 1 stays.
        List<KeyValue<String, byte[]>> next = ModelChunks.split(model(1500, 2), 2, 20, 1000);
        store.put(next.get(0).key, next.get(0).value);
        ModelChunks.Chunk first = ModelChunks.parse(next.get(0).value);
        assertTrue(ModelChunks.assemble(first, store::get).isEmpty(), "chunk 1 still holds version 1");
        store.put(next.get(1).key, next.get(1).value);
        assertArrayEquals(model(1500, 2), ModelChunks.assemble(first, store::get).orElseThrow().model());
        ModelChunks.Chunk stale = ModelChunks.parse(store.get(ModelChunks.key(2)));
        assertTrue(ModelChunks.assemble(stale, store::get).isEmpty(), "version 1 is gone: chunks 0 and 1 replaced");
    }

    @Test
    @DisplayName("a record that is not a chunk is refused with a clear error")
    void refusesForeignRecords() {
        assertThrows(IllegalArgumentException.class, () -> ModelChunks.parse(new byte[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> ModelChunks.parse(new byte[40]));
    }
}
