package io.kadapt.model;

import io.kadapt.data.Task;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the linear head's outputs mean for the spec's {@link Task}: how labels become the supervised term's target
 * tensor, what the prediction path returns, and which batch monitors apply. The one place the model tells
 * classification from regression.
 */
sealed interface OutputHead permits OutputHead.Classifier, OutputHead.Regressor {

    static OutputHead of(ModelSpec spec) {
        return switch (spec.task()) {
            case CLASSIFICATION -> new Classifier(spec.numClasses());
            case REGRESSION -> new Regressor();
        };
    }

    /** The prediction path's output in the graph. */
    SDVariable prediction(SameDiff sd, SDVariable logits);

    /** The same on plain arrays; may overwrite {@code logits}. */
    INDArray prediction(INDArray logits);

    /** The supervised term's labels tensor; IllegalArgumentException naming the first label the head cannot fit. */
    default INDArray labels(double[] labels, DataType dtype) {
        INDArray out = Nd4j.create(dtype, labels.length, width());
        writeLabels(labels, HostView.of(out));
        return out;
    }

    /** {@link #labels} written into an existing [n, width] buffer (every entry), checked first. */
    void writeLabels(double[] labels, HostView out);

    /** Columns of the labels tensor and of the head's output. */
    int width();

    /** Fraction of the batch predicted right, NaN where that means nothing. */
    double sourceAccuracy(INDArray logits, double[] labels);

    /** Mean prediction entropy of a batch (nats), NaN where that means nothing. */
    double meanEntropy(INDArray logits);

    /** Softmax over {@code classes} logits; labels are class indices, one-hot encoded. */
    record Classifier(int classes) implements OutputHead {

        @Override
        public SDVariable prediction(SameDiff sd, SDVariable logits) {
            // No explicit dimension (the last is meant): createGradFunction clones the graph through FlatBuffers,
            // and in M2.1 a softmax with a dimension argument fails to deserialise.
            return sd.nn().softmax("probabilities", logits);
        }

        @Override
        public INDArray prediction(INDArray logits) {
            return Nd4j.exec(new SoftMax(logits, logits))[0];
        }

        @Override
        public void writeLabels(double[] labels, HostView out) {
            for (int i = 0; i < labels.length; i++) {
                classIndex(labels, i);
            }
            for (int i = 0; i < labels.length; i++) {
                int label = (int) labels[i];
                for (int c = 0; c < classes; c++) {
                    out.set(i * classes + c, c == label ? 1.0 : 0.0);
                }
            }
        }

        @Override
        public int width() {
            return classes;
        }

        private int classIndex(double[] labels, int i) {
            double label = labels[i];
            if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
                throw new IllegalArgumentException("label " + label + " at index " + i + " is not a class in [0, "
                        + classes + ")");
            }
            return (int) label;
        }

        @Override
        public double sourceAccuracy(INDArray logits, double[] labels) {
            return BatchMetrics.accuracy(logits, labels);
        }

        @Override
        public double meanEntropy(INDArray logits) {
            return BatchMetrics.meanEntropy(logits);
        }
    }

    /** One output, the predicted value itself (a linear head); labels are that value. */
    record Regressor() implements OutputHead {

        @Override
        public SDVariable prediction(SameDiff sd, SDVariable logits) {
            return logits;
        }

        @Override
        public INDArray prediction(INDArray logits) {
            return logits;
        }

        @Override
        public void writeLabels(double[] labels, HostView out) {
            for (int i = 0; i < labels.length; i++) {
                if (!Double.isFinite(labels[i])) {
                    throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is not finite");
                }
            }
            for (int i = 0; i < labels.length; i++) {
                out.set(i, labels[i]);
            }
        }

        @Override
        public int width() {
            return 1;
        }

        @Override
        public double sourceAccuracy(INDArray logits, double[] labels) {
            return Double.NaN;
        }

        @Override
        public double meanEntropy(INDArray logits) {
            return Double.NaN;
        }
    }
}
