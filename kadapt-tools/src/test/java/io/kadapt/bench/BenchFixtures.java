package io.kadapt.bench;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The small benchmark fixtures in src/test/resources/bench: 200 rows (100 per class) cut from the real files. */
public final class BenchFixtures {
    private BenchFixtures() {
    }

    /** A data dir laid out like the shared one, holding amazon_review_400/books.csv and kitchen.csv only. */
    public static Path dataDir() {
        try {
            return Path.of(BenchFixtures.class.getResource("/bench").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
