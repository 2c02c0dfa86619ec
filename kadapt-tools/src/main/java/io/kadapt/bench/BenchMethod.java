package io.kadapt.bench;

import io.kadapt.replay.ReplayOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A method under test: a name, the config keys it sets on top of the shipped defaults, and which target labels its
 * stream sends late on the feedback topic (none, for every unsupervised method). Adding a loss term to the benchmark
 * is one line in {@link #REGISTRY}, e.g. {@code of("coral", "loss.domain=coral")}.
 */
public record BenchMethod(String name, Map<String, String> overrides, boolean byDefault,
                          ReplayOrder.Feedback feedback) {
    /** The baseline every other method is compared with, always run alongside them: no domain term. */
    public static final BenchMethod SOURCE_ONLY = of("source-only", "loss.domain=none");

    /**
     * The online linear baseline ({@link OnlineLinearBaseline}): softmax regression on the same stream and
     * standardisation, no hidden layer, no domain term. Not a kadapt configuration: its overrides are empty.
     */
    public static final BenchMethod LINEAR = of("linear", "");

    /** The shipped default configuration (multi-kernel MMD, λ = 1, eight steps per batch,
     * variances floored at the mean variance, AdamW with weight decay 1, the parameter average served). */
    public static final BenchMethod KADAPT_DEFAULT = of("mmd", "");

    /**
     * The reference of feedback learning ({@link InDomainLogisticRegression}): logistic regression fitted on the
     * target's own labels, cross-validated. Not a kadapt configuration: its overrides are empty.
     */
    public static final BenchMethod IN_DOMAIN_LR = of("in-domain-lr", "").optional();

    /** Known methods; the first ones marked {@code byDefault} run when {@code --methods} is not given. */
    public static final List<BenchMethod> REGISTRY = List.of(
            SOURCE_ONLY,
            LINEAR,
            KADAPT_DEFAULT,
            // Alternatives, run only on request (--methods): the same without replay steps.
            of("source-only-spb1", "loss.domain=none,train.steps-per-batch=1").optional(),
            of("mmd-spb1", "train.steps-per-batch=1").optional(),
            of("mmd-lambda0.3", "loss.lambda=0.3").optional(),
            of("mmd-lambda3", "loss.lambda=3").optional(),
            // The defaults before the variance floor and eight steps per batch (docs/BENCHMARKS.md notes).
            of("mmd-before-floor-spb8", "preprocess.variance-floor=0,train.steps-per-batch=4").optional(),
            // The other domain terms of the loss catalogue (README "Loss catalogue"), on request.
            of("coral", "loss.domain=coral").optional(),
            of("dann", "loss.domain=dann,loss.dann.schedule=dann-ramp").optional(),
            of("cdan", "loss.domain=cdan,loss.cdan.schedule=dann-ramp").optional(),
            of("entropy", "loss.domain=entropy").optional(),
            of("consistency", "loss.domain=consistency").optional(),
            // Contrastive shapes the source features; beside mmd it gives the domain term clusters to align.
            of("contrastive", "loss.domain=mmd,contrastive,loss.contrastive.lambda=0.1").optional(),
            of("mmd-median", "loss.mmd.bandwidth=median").optional(),
            of("mmd-linear", "loss.mmd.estimator=linear").optional(),
            of("mmd-lr-decay", "train.lr-schedule=inverse-decay").optional(),
            // Weight decay 5 (a default for one commit; docs/BENCHMARKS.md notes of issue 13), pooled standardisation.
            of("mmd-decay5", "train.weight-decay=5").optional(),
            of("mmd-shared", "preprocess.standardize=shared").optional(),
            // Feedback learning (issue 14): the default with a fraction p of the target labels sent d targets late,
            // and the in-domain reference it is measured against.
            of("feedback-p1-d100", "").withFeedback(new ReplayOrder.Feedback(1.0, 100)).optional(),
            of("feedback-p1-d1000", "").withFeedback(new ReplayOrder.Feedback(1.0, 1000)).optional(),
            of("feedback-p0.1-d100", "").withFeedback(new ReplayOrder.Feedback(0.1, 100)).optional(),
            of("feedback-p0.1-d1000", "").withFeedback(new ReplayOrder.Feedback(0.1, 1000)).optional(),
            IN_DOMAIN_LR,
            // The negative-transfer guard (issue 14): where adaptation hurts (entropy minimisation collapses) and where
            // it helps (the default), each with the guard switched off.
            of("entropy-unguarded", "loss.domain=entropy,guard.enabled=false").optional(),
            of("mmd-unguarded", "guard.enabled=false").optional(),
            // ... and where a tenth of the labels arrive, 100 targets late: the guard's feedback evidence.
            of("entropy-p0.1-d100", "loss.domain=entropy").withFeedback(new ReplayOrder.Feedback(0.1, 100))
                    .optional(),
            of("entropy-p0.1-d100-unguarded", "loss.domain=entropy,guard.enabled=false")
                    .withFeedback(new ReplayOrder.Feedback(0.1, 100)).optional(),
            of("source-only-p0.1-d100", "loss.domain=none").withFeedback(new ReplayOrder.Feedback(0.1, 100))
                    .optional(),
            // The guard's cost where adaptation helps and labels come: the default with labels, unguarded.
            of("feedback-p0.1-d100-unguarded", "guard.enabled=false").withFeedback(new ReplayOrder.Feedback(0.1, 100))
                    .optional(),
            of("feedback-p1-d100-unguarded", "guard.enabled=false").withFeedback(new ReplayOrder.Feedback(1.0, 100))
                    .optional(),
            // Plain entropy minimisation (no diversity term): the configuration that collapses onto few classes, the
            // harm the guard's label-free evidence is there to catch.
            of("entropy-plain", "loss.domain=entropy,loss.entropy.diversity=0").optional(),
            of("entropy-plain-unguarded", "loss.domain=entropy,loss.entropy.diversity=0,guard.enabled=false")
                    .optional());

    /** The registry's names in its order: the {@code --methods} help lists them (picocli completion candidates). */
    public static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return REGISTRY.stream().map(BenchMethod::name).iterator();
        }
    }

    /** A method from {@code key=value,key=value} (empty: the defaults as shipped). */
    public static BenchMethod of(String name, String settings) {
        return new BenchMethod(name, parseSettings(name, settings), true, ReplayOrder.Feedback.NONE);
    }

    /** {@code NAME:key=value,key=value}, the form of {@code --method}. */
    public static BenchMethod parse(String spec) {
        int colon = spec.indexOf(':');
        String name = (colon < 0 ? spec : spec.substring(0, colon)).trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("method '" + spec + "' has no name; expected NAME:key=value,...");
        }
        return of(name, colon < 0 ? "" : spec.substring(colon + 1));
    }

    public BenchMethod optional() {
        return new BenchMethod(name, overrides, false, feedback);
    }

    public BenchMethod withFeedback(ReplayOrder.Feedback labels) {
        return new BenchMethod(name, overrides, byDefault, labels);
    }

    public boolean isLinearBaseline() {
        return name.equals(LINEAR.name());
    }

    public boolean isInDomainReference() {
        return name.equals(IN_DOMAIN_LR.name());
    }

    public boolean isBaseline() {
        return name.equals(SOURCE_ONLY.name());
    }

    /**
     * The methods to run: the named ones from the registry (all {@code byDefault} ones when none are named) plus
     * the custom ones, with source-only always first so every gain is measured in the same run.
     */
    public static List<BenchMethod> select(List<String> names, List<BenchMethod> custom) {
        List<BenchMethod> selected = new ArrayList<>();
        selected.add(SOURCE_ONLY);
        if (names.isEmpty() && custom.isEmpty()) {
            REGISTRY.stream().filter(BenchMethod::byDefault).filter(m -> !m.isBaseline()).forEach(selected::add);
        }
        for (String name : names) {
            BenchMethod method = REGISTRY.stream().filter(m -> m.name().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown method '" + name + "'; known: "
                            + REGISTRY.stream().map(BenchMethod::name).toList()
                            + " (or define one with --method NAME:key=value,...)"));
            if (!selected.contains(method)) {
                selected.add(method);
            }
        }
        for (BenchMethod method : custom) {
            if (selected.stream().anyMatch(m -> m.name().equals(method.name()))) {
                throw new IllegalArgumentException("method '" + method.name() + "' given twice");
            }
            selected.add(method);
        }
        return List.copyOf(selected);
    }

    /** {@code key=value,key=value}; an item without '=' continues the previous value (loss.domain=mmd,coral). */
    private static Map<String, String> parseSettings(String name, String settings) {
        Map<String, String> result = new LinkedHashMap<>();
        String lastKey = null;
        for (String item : settings.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq > 0) {
                lastKey = item.substring(0, eq).trim();
                result.put(lastKey, item.substring(eq + 1).trim());
            } else if (lastKey != null) {
                result.put(lastKey, result.get(lastKey) + "," + item.trim());
            } else {
                throw new IllegalArgumentException("method " + name + ": '" + item + "' is not key=value");
            }
        }
        return Map.copyOf(result);
    }

    /** How the table names the settings: {@code defaults} or the overrides. */
    public String describe() {
        if (isLinearBaseline()) {
            return "online softmax regression, per-domain standardisation, 8 Adam passes per source batch of 32";
        }
        if (isInDomainReference()) {
            return "batch logistic regression on the target's own labels, " + InDomainLogisticRegression.FOLDS
                    + "-fold cross-validated accuracy (reported as prequential and final)";
        }
        String settings = overrides.isEmpty() ? "shipped defaults" : String.join(", ", new java.util.TreeMap<>(overrides)
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        return feedback.fraction() == 0 ? settings : settings + "; target labels: a fraction " + feedback.fraction()
                + " sent " + feedback.lag() + " target samples late";
    }
}
