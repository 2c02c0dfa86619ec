package io.kadapt.stream.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SampleMessageTest {

    @Test
    @DisplayName("written features read back as the same floats, in float-length text; a target has no label field")
    void singlePrecisionRoundTrip() {
        Random random = new Random(5);
        float[] features = new float[64];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6));
        }
        byte[] source = JsonCodec.write(SampleMessage.source("s-1", features, 2));
        SampleMessage read = JsonCodec.read(source, SampleMessage.class);
        float[] back = new float[features.length];
        for (int i = 0; i < back.length; i++) {
            back[i] = (float) read.features()[i];
        }
        assertArrayEquals(features, back);
        assertEquals(2, read.label().intValue());
        String text = new String(source, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"features\":[" + features[0] + ","), text);

        String target = new String(JsonCodec.write(SampleMessage.target("t-1", features)), StandardCharsets.UTF_8);
        assertFalse(target.contains("label"), target);
    }

    @Test
    @DisplayName("a value no float holds exactly is written in full")
    void doublesStayExact() {
        double[] values = {0.1, 1.0 / 3, 5.0, -2.5e-8};
        byte[] json = JsonCodec.write(new SampleMessage("x", values, null));
        assertArrayEquals(values, JsonCodec.read(json, SampleMessage.class).features());
    }
}
