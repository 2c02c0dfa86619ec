package io.kadapt.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The settings runtime control commands changed, over the configured ones: constant λ per domain term, Adam's lr₀,
 * and whether training is paused. Part of the {@link TrainerState}, so they are changelogged with the model and
 * survive a crash; written in a fixed order (terms sorted), so equal overrides encode to equal bytes.
 */
public final class RuntimeOverrides {
    private final TreeMap<String, Double> lambdas = new TreeMap<>();
    private double learningRate = Double.NaN; // NaN: the configured one
    private boolean paused;

    RuntimeOverrides() {
    }

    /** The constant λ a command set for this term, if any. */
    public OptionalDouble lambda(String term) {
        Double lambda = lambdas.get(term);
        return lambda == null ? OptionalDouble.empty() : OptionalDouble.of(lambda);
    }

    public Map<String, Double> lambdas() {
        return Map.copyOf(lambdas);
    }

    /** The lr₀ a command set, if any. */
    public OptionalDouble learningRate() {
        return Double.isNaN(learningRate) ? OptionalDouble.empty() : OptionalDouble.of(learningRate);
    }

    public boolean paused() {
        return paused;
    }

    void lambda(String term, double lambda) {
        lambdas.put(term, lambda);
    }

    void learningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    void paused(boolean paused) {
        this.paused = paused;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(lambdas.size());
        for (Map.Entry<String, Double> entry : lambdas.entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeDouble(entry.getValue());
        }
        out.writeDouble(learningRate);
        out.writeBoolean(paused);
    }

    static RuntimeOverrides read(DataInputStream in) throws IOException {
        RuntimeOverrides overrides = new RuntimeOverrides();
        int terms = in.readInt();
        for (int i = 0; i < terms; i++) {
            overrides.lambdas.put(in.readUTF(), in.readDouble());
        }
        overrides.learningRate = in.readDouble();
        overrides.paused = in.readBoolean();
        return overrides;
    }
}
