package io.kadapt.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prequential target accuracy along the stream, one SVG line chart per dataset (written by hand: a few polylines do
 * not need a plotting library). Each curve is the accuracy over a trailing window of target samples, read at
 * {@link #POINTS} evenly spaced fractions of the stream and averaged over the pairs and seeds of the chart.
 */
public final class AccuracyCurves {
    static final int POINTS = 50;
    static final int WINDOW = 200;
    private static final String[] COLOURS = {"#7f7f7f", "#2ca02c", "#1f77b4", "#d62728", "#9467bd", "#ff7f0e",
        "#8c564b", "#e377c2", "#17becf", "#bcbd22"};

    private AccuracyCurves() {
    }

    /** Trailing-window accuracy of {@code hits} at {@link #POINTS} fractions of the stream (1/POINTS .. 1). */
    static double[] curve(boolean[] hits) {
        double[] curve = new double[POINTS];
        for (int k = 0; k < POINTS; k++) {
            int end = (int) Math.round((k + 1) * (double) hits.length / POINTS);
            int start = Math.max(0, end - WINDOW);
            int correct = 0;
            for (int i = start; i < end; i++) {
                correct += hits[i] ? 1 : 0;
            }
            curve[k] = end > start ? (double) correct / (end - start) : Double.NaN;
        }
        return curve;
    }

    /** The charts: one for the Amazon pairs together, one per digits pair. File name → title and pairs. */
    static Map<String, List<BenchPair>> charts(List<BenchPair> pairs) {
        Map<String, List<BenchPair>> charts = new LinkedHashMap<>();
        List<BenchPair> amazon = pairs.stream().filter(p -> p.dataset().equals(BenchPair.AMAZON)).toList();
        if (!amazon.isEmpty()) {
            charts.put("quality-amazon.svg", amazon);
        }
        for (BenchPair pair : pairs) {
            if (!pair.dataset().equals(BenchPair.AMAZON)) {
                charts.put("quality-" + pair.label().replace("→", "-to-") + ".svg", List.of(pair));
            }
        }
        return charts;
    }

    /** Writes every chart into {@code dir}; returns the file names written. */
    public static List<String> write(Path dir, List<QualityBenchmark.Run> runs, List<BenchPair> pairs,
                              List<BenchMethod> methods) {
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, List<BenchPair>> chart : charts(pairs).entrySet()) {
            List<BenchPair> members = chart.getValue();
            String title = members.size() == 1 ? members.get(0).label()
                    : "Amazon reviews, average of " + members.size() + " pairs";
            Map<String, double[]> curves = new LinkedHashMap<>();
            for (BenchMethod method : methods) {
                List<double[]> all = runs.stream().filter(r -> r.method().name().equals(method.name())
                        && members.contains(r.pair()) && r.prequentialHits() != null)
                        .map(r -> curve(r.prequentialHits())).toList();
                if (!all.isEmpty()) {
                    double[] mean = new double[POINTS];
                    for (double[] c : all) {
                        for (int k = 0; k < POINTS; k++) {
                            mean[k] += c[k] / all.size();
                        }
                    }
                    curves.put(method.name(), mean);
                }
            }
            if (curves.isEmpty()) {
                continue;
            }
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(chart.getKey()), svg(title, curves));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + dir.resolve(chart.getKey()), e);
            }
            written.add(chart.getKey());
        }
        return written;
    }

    /** A line chart: x = fraction of the target stream, y = accuracy (%), the y range fitted to the data. */
    static String svg(String title, Map<String, double[]> curves) {
        int width = 640;
        int height = 360;
        int left = 50;
        int right = 150;
        int top = 30;
        int bottom = 40;
        double low = 100;
        double high = 0;
        for (double[] c : curves.values()) {
            for (double v : c) {
                if (!Double.isNaN(v)) {
                    low = Math.min(low, 100 * v);
                    high = Math.max(high, 100 * v);
                }
            }
        }
        low = Math.max(0, Math.floor(low / 10) * 10);
        high = Math.min(100, Math.ceil(high / 10) * 10);
        if (high <= low) {
            high = low + 10;
        }
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s: prequential target"
                + " accuracy (%%, last %d targets)</text>%n", left, escape(title), WINDOW));
        for (double y = low; y <= high + 1e-9; y += 10) {
            double py = top + plotH * (1 - (y - low) / (high - low));
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", left, py, left + plotW, py,
                    left - 6, py + 4, y));
        }
        for (int x = 0; x <= 100; x += 25) {
            double px = left + plotW * x / 100.0;
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>%n",
                    px, height - bottom + 16, x));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">fraction of the target"
                + " stream</text>%n", left + plotW / 2, height - 6));
        int i = 0;
        for (Map.Entry<String, double[]> curve : curves.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder points = new StringBuilder();
            double[] c = curve.getValue();
            for (int k = 0; k < c.length; k++) {
                if (!Double.isNaN(c[k])) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + plotW * (k + 1) / c.length,
                            top + plotH * (1 - (100 * c[k] - low) / (high - low))));
                }
            }
            out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
                    + " points=\"%s\"/>%n", colour, points.toString().trim()));
            double ly = top + 14 + 18 * i;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>%n", left + plotW + 10, ly,
                    left + plotW + 30, ly, colour, left + plotW + 36, ly + 4, escape(curve.getKey())));
            i++;
        }
        out.append("</svg>\n");
        return out.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
