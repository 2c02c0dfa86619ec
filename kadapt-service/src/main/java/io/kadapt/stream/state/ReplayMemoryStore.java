package io.kadapt.stream.state;

import io.kadapt.data.Sample;
import io.kadapt.training.OnlineTrainer.ReplayWrite;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/** The replay memories' slots, so replay steps after a restart draw from the same samples. */
public final class ReplayMemoryStore {
    public static final String NAME = "kadapt-replay";

    private final KeyValueStore<String, byte[]> store;

    public ReplayMemoryStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    public void write(List<ReplayWrite> writes) {
        for (ReplayWrite write : writes) {
            store.put(key(write.memory(), write.slot()), SampleCodec.encode(write.sample()));
        }
    }

    /**
     * The stored slots of a memory ({@link ReplayWrite#memory()}: a domain's tag or the labelled samples') in slot
     * order; slots are filled from 0 without gaps.
     */
    public List<Sample> load(String memory) {
        return SampleCodec.decodeRange(store, key(memory, 0), key(memory, Integer.MAX_VALUE));
    }

    private static String key(String memory, int slot) {
        return String.format("%s/%010d", memory, slot);
    }
}
