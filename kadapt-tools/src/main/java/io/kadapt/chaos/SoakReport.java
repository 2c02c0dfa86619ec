package io.kadapt.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * The samples of a soak run and its verdict. The criteria are fixed before the run: over the second half (the first
 * is warm-up: JIT, ND4J workspaces, RocksDB memtables filling), lag stays within {@value #LAG_BOUND_SECONDS} s of
 * input, the resident set grows by at most {@value #RSS_SLOPE_TOLERANCE_MB_PER_MIN} MiB per minute (a least-squares
 * slope; a leak of 120 MiB an hour would fail it), and nothing failed: no dead letters (the producer sends only valid
 * records), no replaced stream thread, no skipped step, no ERROR log line, always ready. After the stream stops,
 * kadapt must catch up: the {@code drained} sample, taken once the lag reached 0 or the drain timeout passed, must
 * show no lag and a prediction for every target sample sent.
 *
 * @param drained        the sample after the stream stopped and kadapt caught up (null: not measured)
 * @param sentPerDomain  samples sent per domain (-1: not measured)
 */
public record SoakReport(SoakSettings settings, List<SoakSample> samples, String loadAverages, SoakSample drained,
                         long sentPerDomain) {
    static final double LAG_BOUND_SECONDS = 10;
    static final double RSS_SLOPE_TOLERANCE_MB_PER_MIN = 2;

    public SoakReport {
        if (samples.size() < 3) {
            throw new IllegalArgumentException("a soak needs at least 3 samples, got " + samples.size());
        }
        samples = List.copyOf(samples);
    }

    /** A report without the drain (synthetic samples). */
    public SoakReport(SoakSettings settings, List<SoakSample> samples, String loadAverages) {
        this(settings, samples, loadAverages, null, -1);
    }

    private List<SoakSample> secondHalf() {
        double half = samples.get(samples.size() - 1).seconds() / 2;
        return samples.stream().filter(s -> s.seconds() >= half).toList();
    }

    public long maxLag() {
        return samples.stream().mapToLong(SoakSample::lag).max().orElse(0);
    }

    public long maxLagSecondHalf() {
        return secondHalf().stream().mapToLong(SoakSample::lag).max().orElse(0);
    }

    public double lagBound() {
        return LAG_BOUND_SECONDS * settings.inputRecordsPerSecond();
    }

    /** Least-squares slope of RSS over the second half, MiB per minute. */
    public double rssSlopeMbPerMinute() {
        List<SoakSample> half = secondHalf();
        double meanT = half.stream().mapToDouble(SoakSample::seconds).average().orElse(0);
        double meanR = half.stream().mapToDouble(SoakSample::rssMb).average().orElse(0);
        double num = 0;
        double den = 0;
        for (SoakSample s : half) {
            num += (s.seconds() - meanT) * (s.rssMb() - meanR);
            den += (s.seconds() - meanT) * (s.seconds() - meanT);
        }
        return den == 0 ? 0 : num / den * 60;
    }

    /** What went wrong; empty when the soak passed. */
    public List<String> failures() {
        List<String> failures = new ArrayList<>();
        if (maxLagSecondHalf() > lagBound()) {
            failures.add(String.format("lag not bounded: %d records in the second half, bound %.0f (%.0f s of input)",
                    maxLagSecondHalf(), lagBound(), LAG_BOUND_SECONDS));
        }
        if (rssSlopeMbPerMinute() > RSS_SLOPE_TOLERANCE_MB_PER_MIN) {
            failures.add(String.format("RSS not flat: %+.2f MiB/min over the second half, tolerance %.1f",
                    rssSlopeMbPerMinute(), RSS_SLOPE_TOLERANCE_MB_PER_MIN));
        }
        failures.addAll(errors());
        return failures;
    }

    /** The failures that do not depend on the run's length: errors, dead letters, a replaced thread. */
    public List<String> errors() {
        List<String> errors = new ArrayList<>();
        SoakSample end = samples.get(samples.size() - 1);
        if (end.deadLetters() > 0) {
            errors.add(end.deadLetters() + " dead letters");
        }
        if (end.threadReplacements() > 0) {
            errors.add(end.threadReplacements() + " stream thread replacements");
        }
        if (end.skippedSteps() > 0) {
            errors.add(end.skippedSteps() + " skipped steps");
        }
        if (end.errorLines() > 0) {
            errors.add(end.errorLines() + " ERROR lines in kadapt's log");
        }
        long notReady = samples.stream().filter(s -> !s.ready()).count();
        if (notReady > 0) {
            errors.add(notReady + " samples not ready");
        }
        if (end.predictions() == 0) {
            errors.add("no predictions");
        }
        if (drained != null && drained.lag() > 0) {
            errors.add(String.format("input not drained: lag %d records %.0f s after the stream stopped", drained.lag(),
                    drained.seconds() - samples.get(samples.size() - 1).seconds()));
        }
        if (drained != null && drained.predictions() < sentPerDomain) {
            errors.add("after the drain " + drained.predictions() + " predictions for " + sentPerDomain
                    + " target samples sent");
        }
        return errors;
    }

    public String table() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("Soak: %.0f samples/s per domain of %d features (%.0f input records/s), heap %s, %s,"
                        + " sampled every %s; load average %s%n%n", settings.rate(), settings.features(),
                settings.inputRecordsPerSecond(), settings.heap(), settings.duration(), settings.sampleEvery(),
                loadAverages));
        text.append("| point | t (s) | lag (records) | RSS (MiB) | live heap after GC (MiB) | predictions | model step "
                + "| dead letters | thread replacements | skipped steps | ERROR lines |\n");
        text.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        SoakSample mid = samples.get(0);
        double half = samples.get(samples.size() - 1).seconds() / 2;
        for (SoakSample s : samples) {
            if (Math.abs(s.seconds() - half) < Math.abs(mid.seconds() - half)) {
                mid = s;
            }
        }
        row(text, "start", samples.get(0));
        row(text, "mid", mid);
        row(text, "end", samples.get(samples.size() - 1));
        if (drained != null) {
            row(text, "drained", drained);
        }
        text.append(String.format("%nmax lag %d records (second half %d; bound %.0f = %.0f s of input); RSS slope over "
                        + "the second half %+.2f MiB/min (tolerance %.1f); %d samples%n", maxLag(), maxLagSecondHalf(),
                lagBound(), LAG_BOUND_SECONDS, rssSlopeMbPerMinute(), RSS_SLOPE_TOLERANCE_MB_PER_MIN, samples.size()));
        List<String> failures = failures();
        text.append("verdict: ").append(failures.isEmpty() ? "PASSED (lag bounded, RSS flat, no errors)"
                : "FAILED: " + String.join("; ", failures)).append('\n');
        return text.toString();
    }

    private static void row(StringBuilder text, String point, SoakSample s) {
        text.append(String.format("| %s | %.0f | %d | %.0f | %.1f | %d | %d | %d | %d | %d | %d |%n", point, s.seconds(),
                s.lag(), s.rssMb(), s.liveHeapMb(), s.predictions(), s.modelStep(), s.deadLetters(),
                s.threadReplacements(), s.skippedSteps(), s.errorLines()));
    }
}
