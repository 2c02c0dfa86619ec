package io.kadapt.training;

import io.kadapt.data.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The most recent trained samples of one domain, in a ring, so that each fresh batch can be followed by extra
 * steps on earlier samples: a few thousand samples are only a few dozen fresh batches, and one pass learns
 * little. The ring position is the domain's trained count, which the trainer state persists, so a restored
 * memory overwrites the same slots as one that never stopped.
 */
final class ReplayMemory {
    private final Sample[] slots;
    private long inserted;

    ReplayMemory(int capacity, long inserted, List<Sample> contents) {
        this.slots = new Sample[capacity];
        this.inserted = inserted;
        for (int i = 0; i < contents.size() && i < capacity; i++) {
            slots[i] = contents.get(i);
        }
    }

    /** Stores a sample, returning its slot. */
    int add(Sample sample) {
        int slot = (int) (inserted % slots.length);
        slots[slot] = sample;
        inserted++;
        return slot;
    }

    int size() {
        return (int) Math.min(inserted, slots.length);
    }

    /** {@code count} samples drawn uniformly with replacement. */
    List<Sample> draw(SplittableRandom random, int count) {
        List<Sample> batch = new ArrayList<>(count);
        int size = size();
        for (int i = 0; i < count; i++) {
            batch.add(slots[random.nextInt(size)]);
        }
        return batch;
    }
}
