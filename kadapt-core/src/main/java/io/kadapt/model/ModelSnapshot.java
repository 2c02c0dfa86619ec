package io.kadapt.model;

import io.kadapt.data.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable deep copy of a model's trainable state: its task, every parameter array, the Adam moments and the
 * step count. It holds no hyper-parameters: restoring needs the {@link ModelSpec}, which is configuration; the task is
 * kept so a checkpoint is never restored into a model of the other task.
 *
 * <p>The binary form (version {@value #VERSION}) is, with {@link DataOutputStream} (big-endian) encoding: magic
 * {@code "KADS"}, version int, task name (modified UTF-8), step long, array count int, then per array its name
 * (modified UTF-8), its dtype name, rank int, shape longs and the raw values in row-major order. Version 1 is the
 * same without the task; it predates regression, so it decodes as a classification snapshot. The form is
 * deterministic, so equal states give equal bytes and a checkpoint can be compared or hashed.
 */
public final class ModelSnapshot {

    static final int MAGIC = 0x4B414453; // "KADS"
    static final int VERSION = 2;
    private static final int CLASSIFICATION_ONLY_VERSION = 1;
    private static final int MAX_RANK = 32;

    private final Task task;
    private final long step;
    private final Map<String, INDArray> arrays;

    /** Takes ownership of the arrays: callers pass copies nobody else writes to. */
    ModelSnapshot(Task task, long step, Map<String, INDArray> arrays) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        Map<String, INDArray> copy = new LinkedHashMap<>();
        arrays.forEach((name, array) -> copy.put(name, compact(array)));
        this.task = Objects.requireNonNull(task, "task");
        this.step = step;
        this.arrays = Collections.unmodifiableMap(copy);
    }

    /** The task of the model the snapshot was taken from. */
    public Task task() {
        return task;
    }

    /** Number of applied optimiser steps when the snapshot was taken. */
    public long step() {
        return step;
    }

    /** Array names in their canonical order. */
    public List<String> names() {
        return List.copyOf(arrays.keySet());
    }

    /** A copy of the named array; IllegalArgumentException if there is none. */
    public INDArray array(String name) {
        return stored(name).dup();
    }

    /** The shape of the named array; IllegalArgumentException if there is none. */
    public long[] shape(String name) {
        return stored(name).shape();
    }

    /** The dtype of the named array; IllegalArgumentException if there is none. */
    public DataType dataType(String name) {
        return stored(name).dataType();
    }

    /** The stored array itself, for package code that only reads it. */
    INDArray stored(String name) {
        INDArray array = arrays.get(name);
        if (array == null) {
            throw new IllegalArgumentException("snapshot has no array '" + name + "'");
        }
        return array;
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimatedSize());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(task.name());
            out.writeLong(step);
            out.writeInt(arrays.size());
            for (Map.Entry<String, INDArray> entry : arrays.entrySet()) {
                INDArray array = entry.getValue();
                out.writeUTF(entry.getKey());
                out.writeUTF(array.dataType().name());
                long[] shape = array.shape();
                out.writeInt(shape.length);
                for (long dim : shape) {
                    out.writeLong(dim);
                }
                out.write(rawValues(array));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Parses {@link #encode()}'s output; IllegalArgumentException on corrupt, truncated or unknown-version input. */
    public static ModelSnapshot decode(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("snapshot bytes are null");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int magic = in.readInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("not a kadapt model snapshot (bad magic 0x"
                        + Integer.toHexString(magic) + ")");
            }
            int version = in.readInt();
            if (version != VERSION && version != CLASSIFICATION_ONLY_VERSION) {
                throw new IllegalArgumentException("unsupported snapshot version " + version
                        + ", this build reads versions " + CLASSIFICATION_ONLY_VERSION + " and " + VERSION);
            }
            Task task = version == CLASSIFICATION_ONLY_VERSION ? Task.CLASSIFICATION : readTask(in);
            long step = in.readLong();
            if (step < 0) {
                throw new IllegalArgumentException("corrupt snapshot: negative step " + step);
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IllegalArgumentException("corrupt snapshot: negative array count " + count);
            }
            Map<String, INDArray> arrays = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                if (name.isEmpty() || arrays.containsKey(name)) {
                    throw new IllegalArgumentException("corrupt snapshot: empty or repeated array name '" + name + "'");
                }
                arrays.put(name, readArray(in, name, bytes.length));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("corrupt snapshot: " + in.available() + " trailing bytes");
            }
            return new ModelSnapshot(task, step, arrays);
        } catch (EOFException e) {
            throw new IllegalArgumentException("corrupt snapshot: truncated", e);
        } catch (UTFDataFormatException e) {
            throw new IllegalArgumentException("corrupt snapshot: bad name encoding", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    private static Task readTask(DataInputStream in) throws IOException {
        String name = in.readUTF();
        try {
            return Task.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("corrupt snapshot: unknown task '" + name + "'", e);
        }
    }

    private static INDArray readArray(DataInputStream in, String name, int totalBytes) throws IOException {
        String dtypeName = in.readUTF();
        DataType dtype;
        if (DataType.FLOAT.name().equals(dtypeName)) {
            dtype = DataType.FLOAT;
        } else if (DataType.DOUBLE.name().equals(dtypeName)) {
            dtype = DataType.DOUBLE;
        } else {
            throw new IllegalArgumentException("corrupt snapshot: array '" + name + "' has unsupported dtype '"
                    + dtypeName + "'");
        }
        int rank = in.readInt();
        if (rank < 0 || rank > MAX_RANK) {
            throw new IllegalArgumentException("corrupt snapshot: array '" + name + "' has rank " + rank);
        }
        long[] shape = new long[rank];
        long length = 1;
        int width = dtype.width();
        for (int d = 0; d < rank; d++) {
            shape[d] = in.readLong();
            // Bounded by the input size, so a corrupt shape cannot make us allocate gigabytes.
            if (shape[d] < 0 || (shape[d] > 0 && length > totalBytes / width / shape[d])) {
                throw new IllegalArgumentException("corrupt snapshot: array '" + name + "' has impossible shape "
                        + Arrays.toString(Arrays.copyOf(shape, d + 1)));
            }
            length *= shape[d];
        }
        byte[] raw = new byte[Math.toIntExact(length * width)];
        in.readFully(raw);
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        if (dtype == DataType.FLOAT) {
            float[] values = new float[(int) length];
            buffer.asFloatBuffer().get(values);
            return rank == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, DataType.FLOAT);
        }
        double[] values = new double[(int) length];
        buffer.asDoubleBuffer().get(values);
        return rank == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, DataType.DOUBLE);
    }

    private static byte[] rawValues(INDArray array) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(array.length() * array.dataType().width()));
        if (array.dataType() == DataType.FLOAT) {
            buffer.asFloatBuffer().put(array.data().asFloat());
        } else {
            buffer.asDoubleBuffer().put(array.data().asDouble());
        }
        return buffer.array();
    }

    /** A dense row-major copy, so {@code data()} is exactly the values in order. */
    private static INDArray compact(INDArray array) {
        if (array.dataType() != DataType.FLOAT && array.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("snapshot arrays must be FLOAT or DOUBLE, got " + array.dataType());
        }
        INDArray copy = array.dup('c');
        if (copy.data().length() != copy.length()) {
            throw new IllegalStateException("dup did not produce a dense array");
        }
        return copy;
    }

    private int estimatedSize() {
        long size = 32;
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            size += 64 + e.getKey().length() + e.getValue().length() * e.getValue().dataType().width();
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 16);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        arrays.forEach((n, a) -> parts.add(n + Arrays.toString(a.shape())));
        return "ModelSnapshot[task=" + task.configName() + ", step=" + step + ", arrays=" + parts + "]";
    }
}
