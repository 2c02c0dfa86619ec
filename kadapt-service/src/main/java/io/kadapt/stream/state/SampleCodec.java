package io.kadapt.stream.state;

import io.kadapt.data.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The compact binary form of a sample inside kadapt's stores (not a wire format: JSON is). */
final class SampleCodec {
    private SampleCodec() {
    }

    /** The samples stored under keys in [from, to], in key order. */
    static List<Sample> decodeRange(KeyValueStore<String, byte[]> store, String from, String to) {
        List<Sample> samples = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(from, to)) {
            while (it.hasNext()) {
                samples.add(decode(it.next().value));
            }
        }
        return samples;
    }

    static byte[] encode(Sample sample) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * sample.features().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(sample.id());
            LabelCodec.write(out, sample.label());
            out.writeInt(sample.features().length);
            for (float value : sample.features()) {
                out.writeFloat(value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Sample decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            String id = in.readUTF();
            double label = LabelCodec.read(in);
            float[] features = new float[in.readInt()];
            for (int i = 0; i < features.length; i++) {
                features[i] = in.readFloat();
            }
            return new Sample(id, features, label);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
