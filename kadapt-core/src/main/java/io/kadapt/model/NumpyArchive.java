package io.kadapt.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes and reads NumPy's {@code .npz} format: a zip of {@code NAME.npy} files, each a version 1.0 {@code .npy} (magic,
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

    /**
     * Reads the float and double arrays of an {@code .npz} (as {@code numpy.savez} writes it, uncompressed or
     * compressed), by name without the {@code .npy} suffix.
     *
     * @throws IOException naming the entry when it is not a little-endian, C-order float or double array
     */
    public static Map<String, INDArray> read(InputStream in) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
            String name = entry.getName().endsWith(".npy")
                    ? entry.getName().substring(0, entry.getName().length() - 4) : entry.getName();
            arrays.put(name, parse(name, zip.readAllBytes()));
        }
        return arrays;
    }

    private static INDArray parse(String name, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        buffer.get(magic);
        if (!Arrays.equals(magic, Arrays.copyOf(MAGIC, 6))) {
            throw new IOException(name + " is not a .npy array");
        }
        int major = buffer.get();
        buffer.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort()) : buffer.getInt();
        byte[] headerBytes = new byte[headerLength];
        buffer.get(headerBytes);
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher descr = Pattern.compile("'descr':\\s*'([<>|=]?[a-z]\\d+)'").matcher(header);
        Matcher order = Pattern.compile("'fortran_order':\\s*(True|False)").matcher(header);
        Matcher shapeText = Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(header);
        if (!descr.find() || !order.find() || !shapeText.find() || order.group(1).equals("True")) {
            throw new IOException(name + ": need a C-order array, header " + header.trim());
        }
        long[] shape = Arrays.stream(shapeText.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        int count = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
        switch (descr.group(1)) {
            case "<f4", "f4" -> {
                float[] values = new float[count];
                buffer.asFloatBuffer().get(values);
                return Nd4j.create(values, shape, 'c');
            }
            case "<f8", "f8" -> {
                double[] values = new double[count];
                buffer.asDoubleBuffer().get(values);
                return Nd4j.create(values, shape, 'c');
            }
            default -> throw new IOException(name + ": only little-endian float32 and float64 arrays, got "
                    + descr.group(1));
        }
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
