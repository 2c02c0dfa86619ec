package io.kadapt.stream.state;

import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import java.util.List;
import java.util.SortedMap;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Samples admitted but not yet trained on, keyed by domain and sequence number so a range scan returns
 * them in arrival order. This store, not the heap, is what survives a crash.
 */
public final class SampleBufferStore {
    public static final String NAME = "kadapt-buffer";

    private final KeyValueStore<String, byte[]> store;

    public SampleBufferStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    public void put(Domain domain, long sequence, Sample sample) {
        store.put(key(domain, sequence), SampleCodec.encode(sample));
    }

    public void delete(Domain domain, long fromInclusive, long toExclusive) {
        for (long sequence = fromInclusive; sequence < toExclusive; sequence++) {
            store.delete(key(domain, sequence));
        }
    }

    public List<Sample> loadInOrder(Domain domain) {
        return SampleCodec.decodeRange(store, key(domain, 0), key(domain, Long.MAX_VALUE));
    }

    /**
     * The buffered samples of a domain in arrival order, from this store's entries as its changelog holds them (the
     * last value of each key, deleted keys absent): how tools read a stopped or running instance's buffer.
     */
    public static List<Sample> inOrder(SortedMap<String, byte[]> entries, Domain domain) {
        return entries.subMap(key(domain, 0), key(domain, Long.MAX_VALUE)).values().stream()
                .map(SampleCodec::decode).toList();
    }

    /** Zero-padded so that lexicographic key order is numeric order. */
    static String key(Domain domain, long sequence) {
        return String.format("%s/%019d", domain.tag(), sequence);
    }
}
