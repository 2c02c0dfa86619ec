package io.kadapt.model;

import io.kadapt.data.Task;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.SupervisedLoss;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Everything that defines a {@link TransferModel}: architecture, seed, numeric type, optimiser and loss terms.
 * Immutable and validated on construction, so a bad configuration fails at start-up with a message naming the field.
 *
 * @param numClasses       width of the linear head: the number of classes (≥ 2) for classification, 1 for regression
 *                         (the predicted value); the task is the supervised loss's
 * @param hiddenLayers     widths of the feature extractor's hidden layers, at least one; the last is the feature
 *                         dimension the domain terms see
 * @param dropout          drop probability after each hidden layer on the training path, in [0, 1)
 * @param dataType         FLOAT or DOUBLE
 * @param gradientClipNorm global L2 norm the gradient is clipped to; 0 turns clipping off
 * @param domainLosses     domain terms, with distinct names; may be empty (source-only training)
 * @param engine           which engine computes the steps; it does not change what is computed, and snapshots
 *                         are the same whatever the engine
 */
public record ModelSpec(int inputDim, int numClasses, List<Integer> hiddenLayers, Activation activation,
                        double dropout, long seed, DataType dataType, AdamSettings adam, double gradientClipNorm,
                        SupervisedLoss supervisedLoss, List<DomainLoss> domainLosses, EngineChoice engine) {

    private static final Pattern TERM_NAME = Pattern.compile("[a-z0-9_]+");

    public ModelSpec {
        if (inputDim <= 0) {
            throw new IllegalArgumentException("inputDim must be > 0, got " + inputDim);
        }
        Objects.requireNonNull(supervisedLoss, "supervisedLoss must be set");
        Task task = supervisedLoss.task();
        if (task == Task.CLASSIFICATION && numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        if (task == Task.REGRESSION && numClasses != 1) {
            throw new IllegalArgumentException("a regression head has one output: numClasses must be 1, got "
                    + numClasses);
        }
        if (hiddenLayers == null || hiddenLayers.isEmpty()) {
            throw new IllegalArgumentException("hiddenLayers must name at least one layer width");
        }
        for (Integer width : hiddenLayers) {
            if (width == null || width <= 0) {
                throw new IllegalArgumentException("hiddenLayers widths must be > 0, got " + hiddenLayers);
            }
        }
        hiddenLayers = List.copyOf(hiddenLayers);
        Objects.requireNonNull(activation, "activation must be set");
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("dataType must be FLOAT or DOUBLE, got " + dataType);
        }
        Objects.requireNonNull(adam, "adam settings must be set");
        if (!(gradientClipNorm >= 0.0) || Double.isInfinite(gradientClipNorm)) {
            throw new IllegalArgumentException("gradientClipNorm must be finite and >= 0 (0 = off), got "
                    + gradientClipNorm);
        }
        if (domainLosses == null) {
            throw new IllegalArgumentException("domainLosses must be a list (empty for source-only training)");
        }
        Set<String> names = new HashSet<>();
        for (DomainLoss term : domainLosses) {
            if (term == null) {
                throw new IllegalArgumentException("domainLosses must not contain null");
            }
            String name = term.name();
            if (name == null || !TERM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("domain loss name must match [a-z0-9_]+, got '" + name + "'");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("domain loss names must be distinct, '" + name + "' repeats");
            }
            if (!term.supports(task)) {
                throw new IllegalArgumentException("domain loss '" + name + "' does not apply to "
                        + task.configName());
            }
        }
        domainLosses = List.copyOf(domainLosses);
        Objects.requireNonNull(engine, "engine must be set");
        if (engine == EngineChoice.FAST) {
            FastEngine.unsupported(supervisedLoss, domainLosses).ifPresent(term -> {
                throw new IllegalArgumentException("the fast engine does not cover " + term
                        + "; use engine auto or samediff");
            });
        }
    }

    /** A spec on {@link EngineChoice#AUTO}. */
    public ModelSpec(int inputDim, int numClasses, List<Integer> hiddenLayers, Activation activation,
                     double dropout, long seed, DataType dataType, AdamSettings adam, double gradientClipNorm,
                     SupervisedLoss supervisedLoss, List<DomainLoss> domainLosses) {
        this(inputDim, numClasses, hiddenLayers, activation, dropout, seed, dataType, adam, gradientClipNorm,
                supervisedLoss, domainLosses, EngineChoice.AUTO);
    }

    /** This spec computed by {@code choice}. */
    public ModelSpec withEngine(EngineChoice choice) {
        return new ModelSpec(inputDim, numClasses, hiddenLayers, activation, dropout, seed, dataType, adam,
                gradientClipNorm, supervisedLoss, domainLosses, choice);
    }

    /** This spec without domain terms: the source-only model trained beside the adapted one (the guard's shadow). */
    public ModelSpec sourceOnly() {
        return new ModelSpec(inputDim, numClasses, hiddenLayers, activation, dropout, seed, dataType, adam,
                gradientClipNorm, supervisedLoss, List.of(), engine);
    }

    /** Classification or regression: what the supervised loss fits. */
    public Task task() {
        return supervisedLoss.task();
    }

    /** Width of the feature extractor's output, the space the domain terms compare. */
    public int featureDim() {
        return hiddenLayers.get(hiddenLayers.size() - 1);
    }
}
