package io.kadapt.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;

/** A labelled CSV file: one sample per line, integer label first, then the features; no header. */
public record LabelledDataset(String name, List<Row> rows) {

    /** One sample as read: the file's own label value and the features. */
    public record Row(int label, float[] features) {
    }

    public static LabelledDataset read(Path file) {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                try {
                    float[] features = new float[cells.length - 1];
                    for (int i = 1; i < cells.length; i++) {
                        features[i - 1] = Float.parseFloat(cells[i].trim());
                    }
                    rows.add(new Row(Integer.parseInt(cells[0].trim()), features));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + lineNumber + ": not 'label,feature,...': "
                            + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " has no samples");
        }
        int dimension = rows.get(0).features().length;
        for (Row row : rows) {
            if (row.features().length != dimension) {
                throw new IllegalArgumentException(file + ": rows have different feature counts");
            }
        }
        return new LabelledDataset(file.getFileName().toString(), List.copyOf(rows));
    }

    public int dimension() {
        return rows.get(0).features().length;
    }

    public SortedSet<Integer> labels() {
        SortedSet<Integer> labels = new TreeSet<>();
        rows.forEach(row -> labels.add(row.label()));
        return labels;
    }

    /** The rows in a seeded random order: benchmark files are often sorted by class. */
    public List<Row> shuffled(long seed) {
        List<Row> copy = new ArrayList<>(rows);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }
}
