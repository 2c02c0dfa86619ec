package io.kadapt.loss;

import java.util.ArrayList;
import java.util.List;

/**
 * What a loss term's factory reads: its keys' values and the model facts its shape depends on. Every check fails
 * with an {@link IllegalArgumentException} that names the key, so a configuration layer can pass it on as is.
 */
public interface TermSettings {

    /** The value of {@code key}, trimmed; empty when unset. */
    String string(String key);

    /** Width of the features the domain terms see (the last hidden layer, or the input without one). */
    int featureDim();

    /** Number of classes of a classifier. */
    int classes();

    /** The model's dropout rate. */
    double dropout();

    default double decimal(String key) {
        String value = string(key);
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            parsed = Double.NaN;
        }
        if (!Double.isFinite(parsed)) {
            throw invalid(key, "a finite number");
        }
        return parsed;
    }

    default double nonNegative(String key) {
        double value = decimal(key);
        if (value < 0) {
            throw invalid(key, "finite and >= 0");
        }
        return value;
    }

    default double positive(String key) {
        double value = decimal(key);
        if (!(value > 0)) {
            throw invalid(key, "finite and > 0");
        }
        return value;
    }

    /** A number in [min, max] when {@code maxInclusive}, else in [min, max). */
    default double inRange(String key, double min, double max, boolean maxInclusive) {
        double value = decimal(key);
        if (value < min || value > max || (!maxInclusive && value == max)) {
            throw invalid(key, "in [" + min + ", " + max + (maxInclusive ? "]" : ")"));
        }
        return value;
    }

    default int positiveInteger(String key) {
        try {
            int value = Integer.parseInt(string(key));
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "a positive integer");
    }

    /** The comma-separated items, blanks dropped. */
    default List<String> list(String key) {
        List<String> items = new ArrayList<>();
        for (String item : string(key).split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    /** Comma-separated finite numbers, each > 0 ({@code positive}) or ≥ 0; at least one. */
    default double[] numbers(String key, boolean positive) {
        List<String> items = list(key);
        double[] values = new double[items.size()];
        for (int i = 0; i < values.length; i++) {
            try {
                values[i] = Double.parseDouble(items.get(i));
            } catch (NumberFormatException e) {
                values[i] = Double.NaN;
            }
            if (!(positive ? values[i] > 0 : values[i] >= 0) || Double.isInfinite(values[i])) {
                throw invalid(key, "finite numbers " + (positive ? "> 0" : ">= 0"));
            }
        }
        if (values.length == 0) {
            throw new IllegalArgumentException(key + " must list at least one number");
        }
        return values;
    }

    /** One finite weight ≥ 0 per class, not all 0; null when the key is empty. */
    default double[] classWeights(String key) {
        if (string(key).isEmpty()) {
            return null;
        }
        int items = list(key).size();
        if (items != classes()) {
            throw new IllegalArgumentException(key + " must list one weight per class (" + classes() + "), got "
                    + items + ": '" + string(key) + "'");
        }
        double[] weights = numbers(key, false);
        for (double w : weights) {
            if (w > 0) {
                return weights;
            }
        }
        throw new IllegalArgumentException(key + " must not be all 0");
    }

    private IllegalArgumentException invalid(String key, String expected) {
        return new IllegalArgumentException(key + " must be " + expected + ", got '" + string(key) + "'");
    }
}
