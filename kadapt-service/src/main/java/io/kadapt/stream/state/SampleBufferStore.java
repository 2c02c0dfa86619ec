package io.kadapt.stream.state;

import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.training.OnlineTrainer;
import java.util.List;
import java.util.SortedMap;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Samples admitted but not yet trained on, keyed by domain and sequence number so a range scan returns
 * them in arrival order; labelled target samples waiting for feedback learning under their own prefix
 * ({@link OnlineTrainer#FEEDBACK}). This store, not the heap, is what survives a crash.
 */
public final class SampleBufferStore {
    public static final String NAME = "kadapt-buffer";

    private final KeyValueStore<String, byte[]> store;

    public SampleBufferStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    public void put(Domain domain, long sequence, Sample sample) {
        put(domain.tag(), sequence, sample);
    }

    public void delete(Domain domain, long fromInclusive, long toExclusive) {
        delete(domain.tag(), fromInclusive, toExclusive);
    }

    public List<Sample> loadInOrder(Domain domain) {
        return loadInOrder(domain.tag());
    }

    public void putLabelled(long sequence, Sample sample) {
        put(OnlineTrainer.FEEDBACK, sequence, sample);
    }

    public void deleteLabelled(long fromInclusive, long toExclusive) {
        delete(OnlineTrainer.FEEDBACK, fromInclusive, toExclusive);
    }

    public List<Sample> loadLabelledInOrder() {
        return loadInOrder(OnlineTrainer.FEEDBACK);
    }

    private void put(String prefix, long sequence, Sample sample) {
        store.put(key(prefix, sequence), SampleCodec.encode(sample));
    }

    private void delete(String prefix, long fromInclusive, long toExclusive) {
        for (long sequence = fromInclusive; sequence < toExclusive; sequence++) {
            store.delete(key(prefix, sequence));
        }
    }

    private List<Sample> loadInOrder(String prefix) {
        return SampleCodec.decodeRange(store, key(prefix, 0), key(prefix, Long.MAX_VALUE));
    }

    /**
     * The buffered samples of a domain in arrival order, from this store's entries as its changelog holds them (the
     * last value of each key, deleted keys absent): how tools read a stopped or running instance's buffer.
     */
    public static List<Sample> inOrder(SortedMap<String, byte[]> entries, Domain domain) {
        return entries.subMap(key(domain.tag(), 0), key(domain.tag(), Long.MAX_VALUE)).values().stream()
                .map(SampleCodec::decode).toList();
    }

    /** The labelled target samples waiting for feedback learning, in arrival order, from changelog entries. */
    public static List<Sample> labelledInOrder(SortedMap<String, byte[]> entries) {
        return entries.subMap(key(OnlineTrainer.FEEDBACK, 0), key(OnlineTrainer.FEEDBACK, Long.MAX_VALUE)).values()
                .stream().map(SampleCodec::decode).toList();
    }

    /** Zero-padded so that lexicographic key order is numeric order. */
    static String key(String prefix, long sequence) {
        return String.format("%s/%019d", prefix, sequence);
    }
}
