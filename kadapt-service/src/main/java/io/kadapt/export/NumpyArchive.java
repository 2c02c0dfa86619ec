package io.kadapt.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes NumPy's {@code .npz} format: a zip of {@code NAME.npy} files, each a version 1.0 {@code .npy} (magic,
 * header dict padded to 64 bytes, little-endian C-order data), so {@code numpy.load(file)[NAME]} gives the array
 * back with no other library. Float and double arrays only: the dtypes of kadapt's models.
 */
public final class NumpyArchive {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGNMENT = 64;

    private NumpyArchive() {
    }

    /** Writes the arrays under their names; {@code out} is finished but left open. */
    public static void write(OutputStream out, Map<String, INDArray> arrays) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, INDArray> entry : arrays.entrySet()) {
            zip.putNextEntry(new ZipEntry(entry.getKey() + ".npy"));
            zip.write(npy(entry.getValue()));
            zip.closeEntry();
        }
        zip.finish();
    }

    static byte[] npy(INDArray array) {
        DataType type = array.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("only float and double arrays, got " + type);
        }
        long[] shape = array.shape();
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        StringBuilder header = new StringBuilder("{'descr': '" + (type == DataType.FLOAT ? "<f4" : "<f8")
                + "', 'fortran_order': False, 'shape': " + tuple + ", }");
        int unpadded = MAGIC.length + 2 + header.length() + 1;
        header.append(" ".repeat((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT)).append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        int width = type == DataType.FLOAT ? 4 : 8;
        INDArray c = array.dup('c');
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 2 + headerBytes.length + (int) c.length() * width)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).putShort((short) headerBytes.length).put(headerBytes);
        if (type == DataType.FLOAT) {
            for (float value : c.data().asFloat()) {
                buffer.putFloat(value);
            }
        } else {
            for (double value : c.data().asDouble()) {
                buffer.putDouble(value);
            }
        }
        return buffer.array();
    }
}
