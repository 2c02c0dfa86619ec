package io.kadapt.serving;

import io.kadapt.data.Prediction;
import io.kadapt.data.Task;
import io.kadapt.model.Activation;
import io.kadapt.model.ModelSpec;
import io.kadapt.training.ModelExport;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained model as the prediction path serves it: immutable, so every predicting thread shares one instance and a
 * newer version replaces it with one reference swap. z = (x − mean)·scale, then per hidden layer h = act(h·W + b),
 * then the head (softmax for a classifier, the value for regression) — {@link ModelExport}'s definition.
 *
 * <p>The forward pass is plain Java over row-major float arrays rather than the training engine's BLAS calls: for
 * one row the matrix-vector products are a few tens of microseconds, less than one native call's fixed cost
 * (0.1 ms measured for the engine's 1-row forward), and it allocates nothing but the prediction itself.
 * {@code ServedModelTest} holds it to the engine's forward pass.
 */
public final class ServedModel {
    private static final int MAGIC = 0x4b44534d; // "KDSM"
    private static final int FORMAT = 1;

    private final Task task;
    private final Activation activation;
    private final long step;
    private final int[] widths;
    private final float[][] weights;
    private final float[][] biases;
    private final double[] mean;
    private final double[] scale;

    private ServedModel(Task task, Activation activation, long step, int[] widths, float[][] weights,
                        float[][] biases, double[] mean, double[] scale) {
        this.task = task;
        this.activation = activation;
        this.step = step;
        this.widths = widths;
        this.weights = weights;
        this.biases = biases;
        this.mean = mean;
        this.scale = scale;
    }

    /** Copies what prediction needs out of an export (the domain terms' own parameters are left behind). */
    public static ServedModel of(ModelExport export) {
        ModelSpec spec = export.spec();
        List<Integer> hidden = spec.hiddenLayers();
        int[] widths = widths(spec);
        int layers = widths.length - 1;
        float[][] weights = new float[layers][];
        float[][] biases = new float[layers][];
        for (int i = 0; i < layers; i++) {
            String layer = i < hidden.size() ? "hidden_" + i : "classifier";
            weights[i] = values(export, layer + "/W", (long) widths[i] * widths[i + 1]);
            biases[i] = values(export, layer + "/b", widths[i + 1]);
        }
        if (export.targetMean().length != spec.inputDim() || export.targetScale().length != spec.inputDim()) {
            throw new IllegalArgumentException("standardisation has " + export.targetMean().length + "/"
                    + export.targetScale().length + " features, the model " + spec.inputDim());
        }
        return new ServedModel(spec.task(), spec.activation(), export.step(), widths, weights, biases,
                export.targetMean().clone(), export.targetScale().clone());
    }

    /** Input, hidden and output widths of a spec's network. */
    private static int[] widths(ModelSpec spec) {
        List<Integer> hidden = spec.hiddenLayers();
        int[] widths = new int[hidden.size() + 2];
        widths[0] = spec.inputDim();
        for (int i = 0; i < hidden.size(); i++) {
            widths[i + 1] = hidden.get(i);
        }
        widths[widths.length - 1] = spec.task() == Task.CLASSIFICATION ? spec.numClasses() : 1;
        return widths;
    }

    private static float[] values(ModelExport export, String name, long expectedLength) {
        INDArray array = export.parameters().get(name);
        if (array == null) {
            throw new IllegalArgumentException("the model has no parameter " + name);
        }
        if (array.length() != expectedLength) {
            throw new IllegalArgumentException(name + " has " + array.length() + " values, expected " + expectedLength);
        }
        return array.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /**
     * The model as bytes, for the model topic: magic, format version, task, activation, step, layer widths, the
     * standardisation (doubles), then per layer W and b (floats), all big-endian.
     */
    public byte[] encode() {
        long floats = 0;
        for (int i = 0; i < weights.length; i++) {
            floats += weights[i].length + biases[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(4 + 4 + 1 + 1 + 8 + 4 + 4L * widths.length
                + 16L * mean.length + 4 * floats));
        out.putInt(MAGIC).putInt(FORMAT).put((byte) task.ordinal()).put((byte) activation.ordinal()).putLong(step);
        out.putInt(widths.length);
        for (int width : widths) {
            out.putInt(width);
        }
        for (double m : mean) {
            out.putDouble(m);
        }
        for (double s : scale) {
            out.putDouble(s);
        }
        for (int i = 0; i < weights.length; i++) {
            out.asFloatBuffer().put(weights[i]);
            out.position(out.position() + 4 * weights[i].length);
            out.asFloatBuffer().put(biases[i]);
            out.position(out.position() + 4 * biases[i].length);
        }
        return out.array();
    }

    /** Reads {@link #encode}'s bytes. */
    public static ServedModel decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.getInt() != MAGIC || in.getInt() != FORMAT) {
                throw new IllegalArgumentException("not a kadapt served model (or written by another version)");
            }
            Task task = Task.values()[in.get()];
            Activation activation = Activation.values()[in.get()];
            long step = in.getLong();
            int[] widths = new int[in.getInt()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = in.getInt();
            }
            double[] mean = new double[widths[0]];
            double[] scale = new double[widths[0]];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = in.getDouble();
            }
            for (int i = 0; i < scale.length; i++) {
                scale[i] = in.getDouble();
            }
            float[][] weights = new float[widths.length - 1][];
            float[][] biases = new float[widths.length - 1][];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = floats(in, widths[i] * widths[i + 1]);
                biases[i] = floats(in, widths[i + 1]);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after the model");
            }
            return new ServedModel(task, activation, step, widths, weights, biases, mean, scale);
        } catch (BufferUnderflowException | ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("truncated or corrupt served model", e);
        }
    }

    private static float[] floats(ByteBuffer in, int count) {
        float[] values = new float[count];
        in.asFloatBuffer().get(values);
        in.position(in.position() + 4 * count);
        return values;
    }

    /** Whether this model fits a spec: what a predictor checks before serving a published model. */
    public boolean fits(ModelSpec spec) {
        return spec.task() == task && spec.activation() == activation && Arrays.equals(widths(spec), widths);
    }

    /** Optimiser steps the model had taken when it was published. */
    public long step() {
        return step;
    }

    public int inputDim() {
        return widths[0];
    }

    /** Working memory for {@link #predict}: one per thread, reusable across model versions of the same shape. */
    public Scratch scratch() {
        return new Scratch(widths);
    }

    /** The prediction for one sample's raw (unstandardised) features. */
    public Prediction predict(String id, float[] features, Scratch scratch) {
        float[] in = scratch.layers[0];
        for (int i = 0; i < widths[0]; i++) {
            in[i] = (float) ((features[i] - mean[i]) * scale[i]);
        }
        int last = weights.length - 1;
        for (int layer = 0; layer <= last; layer++) {
            float[] out = scratch.layers[layer + 1];
            linear(scratch.layers[layer], layer, out);
            if (layer < last) {
                activate(out, widths[layer + 1]);
            }
        }
        float[] output = scratch.layers[last + 1];
        if (task == Task.REGRESSION) {
            return new Prediction(id, output[0], null, step);
        }
        return classify(id, output, widths[last + 1]);
    }

    /** out = in·W + b with W row-major [in, out]: the inner loop runs along a row of W, which the JIT vectorises. */
    private void linear(float[] in, int layer, float[] out) {
        int inWidth = widths[layer];
        int outWidth = widths[layer + 1];
        float[] w = weights[layer];
        System.arraycopy(biases[layer], 0, out, 0, outWidth);
        for (int i = 0; i < inWidth; i++) {
            float x = in[i];
            if (x == 0f) {
                continue; // rectified units and sparse inputs: a zero row contributes nothing
            }
            int row = i * outWidth;
            for (int j = 0; j < outWidth; j++) {
                out[j] += x * w[row + j];
            }
        }
    }

    private void activate(float[] h, int width) {
        switch (activation) {
            case RELU -> {
                for (int j = 0; j < width; j++) {
                    h[j] = Math.max(h[j], 0f);
                }
            }
            case LEAKY_RELU -> {
                float slope = (float) Activation.LEAKY_RELU_SLOPE;
                for (int j = 0; j < width; j++) {
                    h[j] = h[j] > 0f ? h[j] : slope * h[j];
                }
            }
            case TANH -> {
                for (int j = 0; j < width; j++) {
                    h[j] = (float) Math.tanh(h[j]);
                }
            }
            case SIGMOID -> {
                for (int j = 0; j < width; j++) {
                    h[j] = (float) (1.0 / (1.0 + Math.exp(-h[j])));
                }
            }
            case ELU -> {
                for (int j = 0; j < width; j++) {
                    h[j] = h[j] > 0f ? h[j] : (float) Math.expm1(h[j]);
                }
            }
        }
    }

    private Prediction classify(String id, float[] logits, int classes) {
        int best = 0;
        double max = logits[0];
        for (int c = 1; c < classes; c++) {
            if (logits[c] > max) {
                max = logits[c];
                best = c;
            }
        }
        float[] probabilities = new float[classes];
        double sum = 0.0;
        for (int c = 0; c < classes; c++) {
            double e = Math.exp(logits[c] - max);
            probabilities[c] = (float) e;
            sum += e;
        }
        for (int c = 0; c < classes; c++) {
            probabilities[c] = (float) (probabilities[c] / sum);
        }
        return new Prediction(id, best, probabilities, step);
    }

    /** Per-thread activations of every layer; not shared between threads. */
    public static final class Scratch {
        private final float[][] layers;

        private Scratch(int[] widths) {
            layers = new float[widths.length][];
            for (int i = 0; i < widths.length; i++) {
                layers[i] = new float[widths[i]];
            }
        }
    }
}
