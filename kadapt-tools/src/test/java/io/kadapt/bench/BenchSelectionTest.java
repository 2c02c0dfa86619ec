package io.kadapt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class BenchSelectionTest {
    @Test
    @DisplayName("14 pairs; filters by pair in any arrow spelling or by dataset")
    void selectsPairs() {
        assertEquals(14, BenchPair.ALL.size());
        assertEquals(List.of(new BenchPair(BenchPair.AMAZON, "books", "kitchen"),
                        new BenchPair(BenchPair.DIGITS, "usps", "mnist")),
                BenchPair.select(BenchPair.ALL, List.of("books->kitchen", "usps→mnist", "books:kitchen")));
        assertEquals(2, BenchPair.select(BenchPair.ALL, List.of(BenchPair.DIGITS)).size());
        assertThrows(IllegalArgumentException.class, () -> BenchPair.select(BenchPair.ALL, List.of("books->books")));
    }

    @Test
    @DisplayName("source-only always runs first; methods are a name plus config overrides")
    void selectsMethods() {
        assertEquals(List.of("source-only", "linear", "mmd"), BenchMethod.select(List.of(), List.of()).stream()
                .map(BenchMethod::name).toList());
        List<BenchMethod> custom = BenchMethod.select(List.of("mmd-spb1"),
                List.of(BenchMethod.parse("both:loss.domain=mmd,coral,loss.lambda=0.5")));
        assertEquals(List.of("source-only", "mmd-spb1", "both"), custom.stream().map(BenchMethod::name).toList());
        assertEquals(Map.of("loss.domain", "mmd,coral", "loss.lambda", "0.5"), custom.get(2).overrides());
        assertEquals(Map.of("loss.domain", "none"), BenchMethod.SOURCE_ONLY.overrides());
        assertThrows(IllegalArgumentException.class, () -> BenchMethod.select(List.of("nope"), List.of()));
    }
}
