package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The direct BLAS call against ND4J's mmul: every transpose, one output row (gemv), row-block views, α and β. */
@Tag("unit")
class BlasTest {

    @Test
    @DisplayName("C = α·op(A)·op(B) + β·C as ND4J computes it, float and double, gemm and gemv")
    void matchesNd4j() {
        Nd4j.getRandom().setSeed(3);
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int m : new int[] {1, 4}) {
                for (boolean transA : new boolean[] {false, true}) {
                    for (boolean transB : new boolean[] {false, true}) {
                        int k = 5;
                        int n = 3;
                        INDArray a = transA ? Nd4j.rand(dtype, k, m) : Nd4j.rand(dtype, m, k);
                        INDArray b = transB ? Nd4j.rand(dtype, n, k) : Nd4j.rand(dtype, k, n);
                        INDArray whole = Nd4j.rand(dtype, m + 2, n);
                        INDArray c = whole.get(NDArrayIndex.interval(1, m + 1), NDArrayIndex.all());
                        INDArray expected = (transA ? a.transpose() : a).mmul(transB ? b.transpose() : b).muli(0.7)
                                .addi(c.mul(0.3));
                        INDArray untouched = whole.getRow(0).dup();
                        Blas.gemm(a, b, c, transA, transB, 0.7, 0.3);
                        double error = c.sub(expected).amaxNumber().doubleValue();
                        String what = dtype + " m=" + m + " transA=" + transA + " transB=" + transB;
                        assertTrue(error < (dtype == DataType.FLOAT ? 1e-5 : 1e-12), what + ": error " + error);
                        assertTrue(whole.getRow(0).equals(untouched), what + ": wrote outside the view");
                    }
                }
            }
        }
    }
}
