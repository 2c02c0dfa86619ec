package io.kadapt.stream.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kadapt.data.Sample;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Stored samples: classification keeps the bytes it had before regression; regression values survive exactly. */
@Tag("unit")
class SampleCodecTest {

    private static final float[] FEATURES = {0.5f, -1.25f};

    @Test
    @DisplayName("class labels and 'no label' are stored exactly as before regression existed (one int)")
    void classificationBytesUnchanged() throws IOException {
        for (int label : new int[] {0, 2, 41, -1}) {
            Sample sample = new Sample("s-1", FEATURES, label == -1 ? Sample.NO_LABEL : label);
            assertArrayEquals(preRegressionEncoding("s-1", label, FEATURES), SampleCodec.encode(sample));
            Sample old = SampleCodec.decode(preRegressionEncoding("s-1", label, FEATURES));
            assertEquals(sample.id(), old.id());
            assertEquals(sample.label(), old.label(), "stores written before regression still read");
            assertArrayEquals(FEATURES, old.features());
        }
    }

    @Test
    @DisplayName("regression labels (negative, fractional, large, −1) round-trip bit-exactly")
    void regressionValuesRoundTrip() {
        for (double label : new double[] {-1.0, -0.37, 0.125, 3.0, 1e9, -1e9, 2.5e-12, Integer.MAX_VALUE + 1.0}) {
            Sample decoded = SampleCodec.decode(SampleCodec.encode(new Sample("t-9", FEATURES, label)));
            assertEquals(Double.doubleToLongBits(label), Double.doubleToLongBits(decoded.label()), "label " + label);
            assertArrayEquals(FEATURES, decoded.features());
        }
    }

    private static byte[] preRegressionEncoding(String id, int label, float[] features) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(id);
            out.writeInt(label);
            out.writeInt(features.length);
            for (float value : features) {
                out.writeFloat(value);
            }
        }
        return bytes.toByteArray();
    }
}
