package io.kadapt.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * C = α·op(A)·op(B) + β·C by a direct call into the OpenBLAS that ND4J itself loads: the same kernel as
 * {@code Nd4j.gemm}, without an op object, shape calculation and executioner per call (kilobytes of Java garbage and
 * microseconds each, which matter at a dozen products per step). Arrays that are not c-order with unit stride take
 * {@code Nd4j.gemm}.
 */
final class Blas {

    private Blas() {
    }

    static void gemm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        if (!contiguous(a) || !contiguous(b) || !contiguous(c) || a.dataType() != c.dataType()
                || b.dataType() != c.dataType()) {
            Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
            return;
        }
        int m = Math.toIntExact(c.size(0));
        int n = Math.toIntExact(c.size(1));
        int k = Math.toIntExact(transA ? a.size(0) : a.size(1));
        if ((transA ? a.size(1) : a.size(0)) != m || (transB ? b.size(1) : b.size(0)) != k
                || (transB ? b.size(0) : b.size(1)) != n) {
            throw new IllegalArgumentException("gemm shapes do not fit: " + a.shapeInfoToString() + " "
                    + b.shapeInfoToString() + " " + c.shapeInfoToString());
        }
        int lda = Math.toIntExact(a.size(1));
        int ldb = Math.toIntExact(b.size(1));
        if (m == 1) {
            // One output row (a 1-row prediction): a matrix-vector product. OpenBLAS's gemm does not take its gemv
            // kernel for it and costs several times more. a is a contiguous vector either way; c = op(B)ᵀ·a.
            int bRows = Math.toIntExact(b.size(0));
            int bCols = Math.toIntExact(b.size(1));
            int trans = transB ? CblasNoTrans : CblasTrans;
            if (c.dataType() == DataType.FLOAT) {
                cblas_sgemv(CblasRowMajor, trans, bRows, bCols, (float) alpha, floats(b), ldb, floats(a), 1,
                        (float) beta, floats(c), 1);
            } else {
                cblas_dgemv(CblasRowMajor, trans, bRows, bCols, alpha, doubles(b), ldb, doubles(a), 1, beta,
                        doubles(c), 1);
            }
            return;
        }
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if (c.dataType() == DataType.FLOAT) {
            cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, floats(a), lda, floats(b), ldb, (float) beta,
                    floats(c), n);
        } else {
            cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, doubles(a), lda, doubles(b), ldb, beta, doubles(c), n);
        }
    }

    private static boolean contiguous(INDArray x) {
        return x.rank() == 2 && x.ordering() == 'c' && x.elementWiseStride() == 1 && x.size(1) > 0
                && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE);
    }

    private static FloatPointer floats(INDArray x) {
        FloatPointer pointer = new FloatPointer(x.data().pointer());
        pointer.position(x.offset());
        return pointer;
    }

    private static DoublePointer doubles(INDArray x) {
        DoublePointer pointer = new DoublePointer(x.data().pointer());
        pointer.position(x.offset());
        return pointer;
    }
}
