package io.kadapt.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One ordered source → target pair of a benchmark dataset folder ({@code <data-dir>/<dataset>/<domain>.csv}). */
public record BenchPair(String dataset, String source, String target) {
    public static final String AMAZON = "amazon_review_400";
    public static final String DIGITS = "mnist_usps_jda";

    /** Every pair the benchmark knows: all 12 ordered Amazon pairs, then both digit directions. */
    public static final List<BenchPair> ALL = all();

    /** The two pairs of {@code --quick}. */
    public static final List<BenchPair> QUICK = List.of(new BenchPair(AMAZON, "books", "kitchen"),
            new BenchPair(DIGITS, "mnist", "usps"));

    private static List<BenchPair> all() {
        List<String> amazon = List.of("books", "dvd", "elec", "kitchen");
        List<BenchPair> pairs = new ArrayList<>();
        for (String source : amazon) {
            for (String target : amazon) {
                if (!source.equals(target)) {
                    pairs.add(new BenchPair(AMAZON, source, target));
                }
            }
        }
        pairs.add(new BenchPair(DIGITS, "mnist", "usps"));
        pairs.add(new BenchPair(DIGITS, "usps", "mnist"));
        return List.copyOf(pairs);
    }

    public String label() {
        return source + "→" + target;
    }

    public Path sourceFile(Path dataDir) {
        return dataDir.resolve(dataset).resolve(source + ".csv");
    }

    public Path targetFile(Path dataDir) {
        return dataDir.resolve(dataset).resolve(target + ".csv");
    }

    /**
     * The pairs a filter names: {@code books->kitchen}, {@code books→kitchen}, {@code books:kitchen}, or a dataset
     * folder name for all its pairs. Empty filter: every pair.
     */
    public static List<BenchPair> select(List<BenchPair> candidates, List<String> filters) {
        if (filters.isEmpty()) {
            return candidates;
        }
        List<BenchPair> selected = new ArrayList<>();
        for (String filter : filters) {
            String f = filter.trim();
            List<BenchPair> matching = candidates.stream().filter(p -> p.dataset().equals(f) || p.matches(f)).toList();
            if (matching.isEmpty()) {
                throw new IllegalArgumentException("no benchmark pair '" + f + "'; known: "
                        + candidates.stream().map(BenchPair::label).toList() + " or a dataset "
                        + List.of(AMAZON, DIGITS));
            }
            matching.stream().filter(p -> !selected.contains(p)).forEach(selected::add);
        }
        return List.copyOf(selected);
    }

    private boolean matches(String filter) {
        String[] parts = filter.split("->|→|:", 2);
        return parts.length == 2 && parts[0].trim().equals(source) && parts[1].trim().equals(target);
    }
}
