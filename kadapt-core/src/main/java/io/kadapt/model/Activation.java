package io.kadapt.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.strict.ELU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/** Hidden-layer non-linearity. Configuration names are the lower-case constant names ({@code relu}, ...). */
public enum Activation {
    RELU, TANH, SIGMOID, ELU, LEAKY_RELU;

    /** Negative slope of {@link #LEAKY_RELU}; PyTorch's default, so the benchmark compares like with like. */
    public static final double LEAKY_RELU_SLOPE = 0.01;

    /** The name used in configuration. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration name; the message lists the accepted names. */
    public static Activation fromConfigName(String configName) {
        for (Activation a : values()) {
            if (a.configName().equals(configName)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + configName + "', expected one of "
                + Arrays.stream(values()).map(Activation::configName).collect(Collectors.joining(", ")));
    }

    /** Whether He (Kaiming) rather than Xavier (Glorot) initialisation suits this non-linearity. */
    boolean rectifying() {
        return this == RELU || this == ELU || this == LEAKY_RELU;
    }

    SDVariable apply(SameDiff sd, SDVariable x) {
        return switch (this) {
            case RELU -> sd.nn().relu(x, 0.0);
            case TANH -> sd.nn().tanh(x);
            case SIGMOID -> sd.nn().sigmoid(x);
            case ELU -> sd.nn().elu(x);
            case LEAKY_RELU -> sd.nn().leakyRelu(x, LEAKY_RELU_SLOPE);
        };
    }

    /** The same non-linearity as {@link #apply}, as one native op overwriting {@code x}; returns {@code x}. */
    INDArray applyInPlace(INDArray x) {
        switch (this) {
            case RELU -> Nd4j.exec(new RectifiedLinear(x, x, 0.0));
            case TANH -> Nd4j.exec(new Tanh(x, x));
            case SIGMOID -> Nd4j.exec(new Sigmoid(x, x));
            case ELU -> Nd4j.exec(new ELU(x, x));
            case LEAKY_RELU -> Nd4j.exec(new LeakyReLU(x, x, LEAKY_RELU_SLOPE));
        }
        return x;
    }
}
