package io.kadapt.loss;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.custom.BitCast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Order statistics of a batch quantity in the graph, for a data-driven constant such as a kernel bandwidth.
 *
 * <p>The result carries no gradient, by construction rather than by a stop-gradient: SameDiff M2.1 has no gradient
 * for {@code nth_element} and differentiates every floating-point op between a variable and the loss, even behind
 * a StopGradient. So the values are bit-cast to integers of the same width, selected there, and cast back: for
 * values ≥ 0 (or −0) the IEEE-754 bit patterns order like the numbers, and SameDiff does not differentiate
 * integer-typed ops.
 */
final class BatchMedian {

    private BatchMedian() {
    }

    /**
     * ½·(x₍ₗₒw₎ + x₍ₕᵢgₕ₎), the mean of the {@code low}-th and {@code high}-th smallest entries (0-based) of the
     * non-negative vector {@code values}; with low = high − 1 around the middle, the median.
     */
    static SDVariable meanOfOrderStatistics(SameDiff sd, SDVariable values, SDVariable low, SDVariable high) {
        DataType dtype = values.dataType();
        DataType bits = dtype == DataType.DOUBLE ? DataType.INT64 : DataType.INT32;
        SDVariable ordered = bitCast(sd, values, bits);
        SDVariable lower = bitCast(sd, nth(sd, ordered, low), dtype);
        SDVariable upper = bitCast(sd, nth(sd, ordered, high), dtype);
        return lower.add(upper).mul(0.5);
    }

    private static SDVariable nth(SameDiff sd, SDVariable vector, SDVariable index) {
        return new NthSmallest(sd, vector, index.castTo(DataType.INT32)).outputVariable();
    }

    private static SDVariable bitCast(SameDiff sd, SDVariable x, DataType to) {
        BitCast op = new BitCast(sd, x, sd.constant(Nd4j.scalar(DataType.INT32, to.toInt())));
        op.addIArgument(to.toInt());
        return op.outputVariable();
    }

    /**
     * libnd4j's {@code nth_element} with the index as a graph input (the batch size is not known when the graph is
     * built); ND4J's own {@code NthElement} class has no constructor for that.
     */
    private static final class NthSmallest extends DynamicCustomOp {
        NthSmallest(SameDiff sd, SDVariable vector, SDVariable index) {
            super(sd, new SDVariable[] {vector, index});
            addBArgument(false); // ascending: the index-th smallest
        }

        @Override
        public String opName() {
            return "nth_element";
        }

        @Override
        public List<DataType> calculateOutputDataTypes(List<DataType> inputTypes) {
            return List.of(inputTypes.get(0));
        }
    }
}
