package io.kadapt.model;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element access to the native memory of a contiguous c-order array (or row-block view) from Java, without copies:
 * the fast engine's element-wise work runs as plain loops over these, where a native op per element-wise step would
 * cost more in dispatch than in arithmetic. Values are read and written as double whatever the array's dtype.
 * Created once per buffer; reads and writes allocate nothing (the bulk ones a scratch array on first use).
 */
abstract sealed class HostView permits HostView.Floats, HostView.Doubles {

    /** @param array c-order with element-wise stride 1 (a whole array or a contiguous block of rows) */
    static HostView of(INDArray array) {
        if (array.elementWiseStride() != 1 || array.ordering() != 'c') {
            throw new IllegalArgumentException("a host view needs a contiguous c-order array");
        }
        int offset = Math.toIntExact(array.offset());
        var bytes = array.data().asNio().order(ByteOrder.nativeOrder());
        return switch (array.dataType()) {
            case FLOAT -> new Floats(bytes.asFloatBuffer(), offset);
            case DOUBLE -> new Doubles(bytes.asDoubleBuffer(), offset);
            default -> throw new IllegalArgumentException("a host view needs FLOAT or DOUBLE, got "
                    + array.dataType());
        };
    }

    abstract double get(int i);

    abstract void set(int i, double value);

    /**
     * Copies entries [0, length) into {@code out} in bulk (a memory copy, then plain array loops the JIT vectorises):
     * for long element-wise passes, where per-element buffer access costs more than the arithmetic.
     */
    abstract void read(double[] out, int length);

    /** Writes {@code values}[0, length) over entries [0, length), in bulk. */
    abstract void write(double[] values, int length);

    final void add(int i, double value) {
        set(i, get(i) + value);
    }

    /** Sets {@code length} entries from {@code from} to 0. */
    final void zero(int from, int length) {
        for (int i = from; i < from + length; i++) {
            set(i, 0.0);
        }
    }

    static final class Floats extends HostView {
        private final FloatBuffer buffer;
        private final int offset;
        private float[] scratch = new float[0];

        Floats(FloatBuffer buffer, int offset) {
            this.buffer = buffer;
            this.offset = offset;
        }

        @Override
        void read(double[] out, int length) {
            float[] floats = scratch(length);
            buffer.get(offset, floats, 0, length);
            for (int i = 0; i < length; i++) {
                out[i] = floats[i];
            }
        }

        @Override
        void write(double[] values, int length) {
            float[] floats = scratch(length);
            for (int i = 0; i < length; i++) {
                floats[i] = (float) values[i];
            }
            buffer.put(offset, floats, 0, length);
        }

        private float[] scratch(int length) {
            if (scratch.length < length) {
                scratch = new float[length];
            }
            return scratch;
        }

        @Override
        double get(int i) {
            return buffer.get(offset + i);
        }

        @Override
        void set(int i, double value) {
            buffer.put(offset + i, (float) value);
        }
    }

    static final class Doubles extends HostView {
        private final DoubleBuffer buffer;
        private final int offset;

        Doubles(DoubleBuffer buffer, int offset) {
            this.buffer = buffer;
            this.offset = offset;
        }

        @Override
        void read(double[] out, int length) {
            buffer.get(offset, out, 0, length);
        }

        @Override
        void write(double[] values, int length) {
            buffer.put(offset, values, 0, length);
        }

        @Override
        double get(int i) {
            return buffer.get(offset + i);
        }

        @Override
        void set(int i, double value) {
            buffer.put(offset + i, value);
        }
    }
}
