package io.kadapt.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Spearman's rank correlation of each label-free gauge with true accuracy over the checkpoints of a set of replays
 * (methods × pairs × seeds × {@link GaugePoint#CHECKPOINTS}): the evidence for which gauge an operator, and the guard,
 * can trust. +1: ranking checkpoints by the gauge ranks them exactly by accuracy; 0: it says nothing; −1: exactly
 * backwards (which for entropy, lower when more confident, is the useful direction).
 */
final class GaugeCorrelation {
    private GaugeCorrelation() {
    }

    /** Spearman's ρ of {@code gauge} against accuracy over the points; NaN with fewer than 3 or a constant column. */
    static double spearman(List<GaugePoint> points, ToDoubleFunction<GaugePoint> gauge) {
        List<GaugePoint> finite = points.stream().filter(p -> Double.isFinite(gauge.applyAsDouble(p))).toList();
        if (finite.size() < 3) {
            return Double.NaN;
        }
        return pearson(ranks(finite.stream().mapToDouble(GaugePoint::accuracy).toArray()),
                ranks(finite.stream().mapToDouble(gauge).toArray()));
    }

    /** Ranks 1..n, ties given the mean of the ranks they span. */
    static double[] ranks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int from = 0; from < order.length; ) {
            int to = from;
            while (to + 1 < order.length && values[order[to + 1]] == values[order[from]]) {
                to++;
            }
            double rank = (from + to) / 2.0 + 1;
            for (int i = from; i <= to; i++) {
                ranks[order[i]] = rank;
            }
            from = to + 1;
        }
        return ranks;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(Double.NaN);
        double my = Arrays.stream(y).average().orElse(Double.NaN);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
