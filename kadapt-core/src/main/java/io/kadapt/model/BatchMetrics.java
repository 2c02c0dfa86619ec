package io.kadapt.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Monitoring metrics computed from a batch's logits, in double precision. */
final class BatchMetrics {

    private BatchMetrics() {
    }

    /**
     * Rows of a [n, C] array as Java doubles. One bulk copy: {@code INDArray.toDoubleMatrix()} builds a view per
     * row and costs milliseconds even for [128, 2].
     */
    static double[][] rows(INDArray matrix) {
        int rows = (int) matrix.size(0);
        int cols = (int) matrix.size(1);
        double[] flat = matrix.dup('c').data().asDouble();
        double[][] result = new double[rows][];
        for (int i = 0; i < rows; i++) {
            result[i] = Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
        }
        return result;
    }

    /** Fraction of rows whose arg-max logit (first one on ties) is the label. */
    static double accuracy(INDArray logits, int[] labels) {
        return accuracy(logits, labels.length, i -> labels[i]);
    }

    /** {@link #accuracy(INDArray, int[])} with labels given as class numbers in doubles. */
    static double accuracy(INDArray logits, double[] labels) {
        return accuracy(logits, labels.length, i -> (int) labels[i]);
    }

    private static double accuracy(INDArray logits, int rows, java.util.function.IntUnaryOperator label) {
        Cells z = Cells.of(logits);
        int correct = 0;
        for (int i = 0; i < rows; i++) {
            int best = 0;
            for (int c = 1; c < z.cols; c++) {
                if (z.get(i, c) > z.get(i, best)) {
                    best = c;
                }
            }
            if (best == label.applyAsInt(i)) {
                correct++;
            }
        }
        return correct / (double) rows;
    }

    /** Mean over rows of the softmax entropy −Σ p·ln p in nats; NaN if any logit is. */
    static double meanEntropy(INDArray logits) {
        Cells z = Cells.of(logits);
        double total = 0.0;
        for (int r = 0; r < z.rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < z.cols; c++) {
                max = Math.max(max, z.get(r, c));
            }
            double sum = 0.0;
            for (int c = 0; c < z.cols; c++) {
                sum += Math.exp(z.get(r, c) - max);
            }
            double logSum = Math.log(sum);
            double entropy = 0.0;
            for (int c = 0; c < z.cols; c++) {
                double logP = z.get(r, c) - max - logSum;
                entropy -= Math.exp(logP) * logP;
            }
            total += entropy;
        }
        return total / z.rows;
    }

    /**
     * Read access to a [n, C] array: straight from its memory when it is contiguous c-order (the engines' logit
     * buffers: nothing copied per step), else through a copy.
     */
    private record Cells(HostView view, double[][] copy, int rows, int cols) {
        static Cells of(INDArray matrix) {
            int rows = (int) matrix.size(0);
            int cols = (int) matrix.size(1);
            boolean direct = matrix.ordering() == 'c' && matrix.elementWiseStride() == 1
                    && (matrix.dataType() == DataType.FLOAT || matrix.dataType() == DataType.DOUBLE);
            return direct ? new Cells(HostView.of(matrix), null, rows, cols) : new Cells(null, BatchMetrics.rows(matrix), rows, cols);
        }

        double get(int r, int c) {
            return view != null ? view.get(r * cols + c) : copy[r][c];
        }
    }
}
