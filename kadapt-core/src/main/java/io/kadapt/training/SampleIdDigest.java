package io.kadapt.training;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An order-independent fingerprint of a set of sample ids (count, wrapping sum and xor of 64-bit
 * hashes). Kept in the model state so a verifier can prove every sample was trained on exactly once:
 * a duplicate or a loss changes the sum even when the count happens to match.
 */
public record SampleIdDigest(long count, long sum, long xor) {
    public static final SampleIdDigest EMPTY = new SampleIdDigest(0, 0, 0);

    public SampleIdDigest plus(String id) {
        long hash = hash(id);
        return new SampleIdDigest(count + 1, sum + hash, xor ^ hash);
    }

    /** Count, sum and xor, as {@link #read} reads them. */
    void write(DataOutput out) throws IOException {
        out.writeLong(count);
        out.writeLong(sum);
        out.writeLong(xor);
    }

    static SampleIdDigest read(DataInput in) throws IOException {
        return new SampleIdDigest(in.readLong(), in.readLong(), in.readLong());
    }

    /** FNV-1a over the UTF-8 bytes, finished with the SplitMix64 mixer for avalanche. */
    public static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
