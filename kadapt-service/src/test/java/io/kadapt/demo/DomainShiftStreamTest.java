package io.kadapt.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kadapt.data.Domain;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The demo stream's row width: the demo's four features by default, wider rows (noise) for load tests. */
@Tag("unit")
class DomainShiftStreamTest {
    private static final int WIDE = 400;

    @Test
    @DisplayName("a wider row starts as the demo's row of the same seed, the rest is unshifted standard-normal noise")
    void widerRows() {
        DomainShiftStream.Point demo = new DomainShiftStream(3, 35).next(Domain.TARGET);
        DomainShiftStream wide = new DomainShiftStream(3, 35, WIDE);
        DomainShiftStream.Point first = wide.next(Domain.TARGET);
        assertEquals(DomainShiftStream.FEATURES, demo.features().length);
        assertEquals(WIDE, first.features().length);
        assertEquals(demo.label(), first.label());
        assertArrayEquals(demo.features(), Arrays.copyOf(first.features(), DomainShiftStream.FEATURES));

        double sum = 0;
        double squares = 0;
        int count = 0;
        for (int i = 0; i < 1_000; i++) {
            float[] row = wide.next(Domain.TARGET).features();
            for (int j = DomainShiftStream.FEATURES; j < WIDE; j++) {
                sum += row[j];
                squares += row[j] * (double) row[j];
                count++;
            }
        }
        double mean = sum / count;
        assertEquals(0, mean, 0.01, "no target shift beyond the demo's features");
        assertEquals(1, squares / count - mean * mean, 0.02, "standard-normal noise");
    }

    @Test
    @DisplayName("fewer than the two informative features is refused")
    void tooNarrow() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new DomainShiftStream(1, 35, 1));
        assertEquals("the stream needs at least 2 features, got 1", refused.getMessage());
    }
}
