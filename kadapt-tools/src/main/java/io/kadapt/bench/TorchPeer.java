package io.kadapt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.config.ConfigEntry;
import io.kadapt.stream.serde.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code bench/torch_peer.py} (same model, loss, Adam and batch in PyTorch on CPU, one thread) and reads its
 * per-configuration step timings and its {@code no_grad} prediction timings. Two variants: Debian's stock
 * python3-torch as a user would install it (the reference of the targets), and the same with the OpenBLAS that ND4J
 * itself loads preloaded ({@code LD_PRELOAD}, when it can be found), which compares like with like and continues
 * the earlier reports.
 */
final class TorchPeer {

    /** The peer's answer: step and prediction timings by key, or why there are none. */
    record Result(Map<String, ModelBench.Timing> timings, Map<String, ModelBench.Timing> predictions,
                  Map<String, String> skipped, String version, String blas, String notMeasured) {
        static String key(int inputs, int classes, int ns, int nt, String method) {
            return inputs + "/" + classes + "/" + ns + "+" + nt + "/" + method;
        }

        static String predictionKey(int inputs, int classes, int rows) {
            return inputs + "/" + classes + "/" + rows;
        }
    }

    private TorchPeer() {
    }

    /**
     * @param preloadNd4jBlas false: stock python3-torch; true: with ND4J's OpenBLAS preloaded (not measured when
     *                        that library cannot be found)
     */
    static Result run(PerfSettings settings, List<String> methods, boolean preloadNd4jBlas, java.io.PrintStream log)
            throws IOException {
        if (settings.peerScript() == null) {
            return notMeasured("peer: not measured (disabled)");
        }
        if (!Files.isRegularFile(settings.peerScript())) {
            return notMeasured("peer: not measured (no " + settings.peerScript() + ")");
        }
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        if (!hasTorch(python) && settings.installPeer() && System.getenv("CI") == null) {
            log.println("kadapt bench perf: python3-torch missing, running apt-get install -y python3-torch");
            exec(List.of("apt-get", "install", "-y", "python3-torch"), Map.of(), 900);
        }
        if (!hasTorch(python)) {
            return notMeasured("peer: not measured (python3-torch unavailable)");
        }
        StringBuilder request = new StringBuilder("{\"shapes\":[");
        settings.shapes().forEach(s -> request.append('[').append(s.inputs()).append(',').append(s.classes()).append("],"));
        request.setLength(request.length() - 1);
        request.append("],\"hidden\":").append(settings.hidden()).append(",\"batches\":[");
        settings.batches().forEach(b -> request.append('[').append(b[0]).append(',').append(b[1]).append("],"));
        request.setLength(request.length() - 1);
        request.append("],\"methods\":[");
        methods.forEach(m -> request.append('"').append(m).append("\","));
        request.setLength(request.length() - 1);
        request.append("],\"dann_hidden\":").append(ConfigEntry.byKey("loss.dann.hidden").orElseThrow().defaultValue());
        request.append(",\"predict_rows\":").append(settings.predictRows());
        request.append(",\"warmup\":").append(settings.warmupSteps()).append(",\"steps\":")
                .append(settings.measuredSteps()).append('}');

        Map<String, String> env = new HashMap<>(Map.of("OMP_NUM_THREADS", "1", "OPENBLAS_NUM_THREADS", "1",
                "MKL_NUM_THREADS", "1"));
        String blas = "stock: the BLAS Debian's python3-torch resolves to";
        if (preloadNd4jBlas) {
            Path openBlas = nd4jOpenBlas();
            if (openBlas == null) {
                return notMeasured("peer with ND4J's OpenBLAS: not measured (library not found)");
            }
            env.put("LD_PRELOAD", openBlas.toString());
            blas = "OpenBLAS preloaded from ND4J's bundle (" + openBlas.getFileName() + ", same library as kadapt)";
        }
        List<String> lines = exec(List.of(python, settings.peerScript().toString(), request.toString()), env, 3600);
        if (lines == null) {
            return notMeasured("peer: not measured (torch_peer.py failed)");
        }
        Map<String, ModelBench.Timing> timings = new HashMap<>();
        Map<String, ModelBench.Timing> predictions = new HashMap<>();
        Map<String, String> skipped = new HashMap<>();
        String version = "?";
        for (String line : lines) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode row = JsonCodec.mapper().readTree(line);
            if (row.has("torch")) {
                version = row.get("torch").asText();
                continue;
            }
            if (row.has("predict")) {
                predictions.put(Result.predictionKey(row.get("in").asInt(), row.get("classes").asInt(),
                        row.get("predict").asInt()), new ModelBench.Timing(Samples.of(doubles(row.get("wall_ms"))),
                        Samples.of(doubles(row.get("cpu_ms")))));
                continue;
            }
            String key = Result.key(row.get("in").asInt(), row.get("classes").asInt(), row.get("ns").asInt(),
                    row.get("nt").asInt(), row.get("method").asText());
            if (row.has("skipped")) {
                skipped.put(key, row.get("skipped").asText());
            } else {
                timings.put(key, new ModelBench.Timing(Samples.of(doubles(row.get("wall_ms"))),
                        Samples.of(doubles(row.get("cpu_ms")))));
            }
        }
        return new Result(timings, predictions, skipped, version, blas, null);
    }

    private static Result notMeasured(String why) {
        return new Result(Map.of(), Map.of(), Map.of(), null, null, why);
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    private static boolean hasTorch(String python) {
        return exec(List.of(python, "-c", "import torch"), Map.of(), 120) != null;
    }

    /** libopenblas.so.0 from JavaCPP's cache, where ND4J's OpenBLAS has been extracted by now. */
    private static Path nd4jOpenBlas() {
        try {
            Path cache = Path.of(org.bytedeco.javacpp.Loader.getCacheDir().getPath());
            try (Stream<Path> files = Files.walk(cache)) {
                return files.filter(p -> p.getFileName().toString().equals("libopenblas.so.0"))
                        .filter(p -> p.toString().contains("/org/bytedeco/openblas/")).findFirst().orElse(null);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** stdout lines, or null when the command could not run or failed. */
    private static List<String> exec(List<String> command, Map<String, String> env, long timeoutSeconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().putAll(env);
            Process process = builder.start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? lines : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
