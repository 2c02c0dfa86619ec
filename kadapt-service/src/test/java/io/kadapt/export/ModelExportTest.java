package io.kadapt.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kadapt.broker.EmbeddedKafkaBroker;
import io.kadapt.cli.KadaptCli;
import io.kadapt.client.SampleProducer;
import io.kadapt.config.ConfigException;
import io.kadapt.config.KadaptConfig;
import io.kadapt.data.Prediction;
import io.kadapt.data.Sample;
import io.kadapt.model.TransferModel;
import io.kadapt.service.ClusterConnection;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.Topics;
import io.kadapt.training.OnlineTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code kadapt model export} of a running application, checked by an independent reader: NumPy alone
 * ({@code examples/numpy_predict.py}) must compute kadapt's own predictions from the two files.
 */
@Tag("broker")
class ModelExportTest {
    /** Debian's python3 with python3-numpy, as CI installs it; else whatever python3 is first on the PATH. */
    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    private static final int FEATURES = 5;

    @TempDir
    Path dir;

    @Test
    @DisplayName("NumPy reproduces kadapt's predictions on 100 samples from model.npz + model.json to 1e-5")
    void numpyReproducesThePredictions() throws Exception {
        assumeTrue(numpyAvailable() || "true".equals(System.getenv("CI")),
                "needs python3 with numpy (Debian's python3-numpy); CI installs it");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("broker"))) {
            Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "state.dir", dir.resolve("state").toString(), "http.port", "0",
                    "model.input-dim", Integer.toString(FEATURES), "model.classes", "3", "model.hidden", "16,8",
                    "model.activation", "elu", "train.batch.source", "4", "train.batch.target", "4"));
            KadaptConfig config = KadaptConfig.of(settings);
            Random random = new Random(11);
            try (KadaptService service = KadaptService.start(config, Duration.ofMinutes(2));
                 SampleProducer producer = new SampleProducer(broker.bootstrapServers(), Topics.from(config))) {
                for (int i = 0; i < 40; i++) {
                    producer.source("s-" + i, features(random, 0), i % 3);
                    producer.target("t-" + i, features(random, 2));
                }
                producer.flush();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (service.metrics().modelStep() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(service.metrics().modelStep() >= 10, "trained: step " + service.metrics().modelStep());
            }

            // When the stopped application's model is exported with the CLI
            Path out = dir.resolve("export");
            List<String> args = new ArrayList<>(List.of("model", "export", "--out", out.toString()));
            settings.forEach((k, v) -> {
                args.add("--set");
                args.add(k + "=" + v);
            });
            assertEquals(0, KadaptCli.commandLine().execute(args.toArray(String[]::new)), "kadapt model export exit code");

            // Then NumPy computes what kadapt's trainer predicts from the same state
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                samples.add(new Sample("x-" + i, features(random, 2), Sample.NO_LABEL));
            }
            List<Prediction> expected;
            try (ClusterConnection cluster = ClusterConnection.open(config);
                 OnlineTrainer trainer = ModelExporter.load(config, cluster)) {
                expected = trainer.predict(samples);
            }
            Path csv = dir.resolve("samples.csv");
            Files.write(csv, samples.stream().map(s -> join(s.features())).toList());
            List<double[]> numpy = runNumpy(out, csv);
            assertEquals(100, numpy.size());
            double worst = 0;
            for (int i = 0; i < 100; i++) {
                float[] p = expected.get(i).probabilities();
                for (int c = 0; c < p.length; c++) {
                    worst = Math.max(worst, Math.abs(p[c] - numpy.get(i)[c]));
                }
            }
            System.out.println("numpy vs kadapt: max |Δp| = " + worst);
            assertTrue(worst <= 1e-5, "max difference " + worst);

            // And a fresh application with model.init-file starts from exactly the exported parameters
            KadaptConfig warm = config.with(Map.of("model.init-file", out.resolve(ModelExporter.NPZ).toString(),
                    "application.id", "kadapt-warm"));
            try (ClusterConnection cluster = ClusterConnection.open(config);
                 OnlineTrainer trainer = ModelExporter.load(config, cluster);
                 TransferModel started = TransferModel.initialise(AdaptationSettings.from(warm).modelSpec(),
                         AdaptationSettings.from(warm).warmStart())) {
                // The export holds the served parameters: the moving average (train.average-decay), not the last step's
                Map<String, INDArray> exported = trainer.model().servedParameters();
                started.parameters().forEach((name, value) -> assertEquals(exported.get(name), value, name));
                assertEquals(0, started.step());
            }
        }
    }

    @Test
    @Tag("unit")
    @DisplayName("model.init-file: a model.npz written by numpy.savez is the starting point; a wrong shape is refused by name")
    void warmStartFromPython() throws Exception {
        assumeTrue(numpyAvailable() || "true".equals(System.getenv("CI")),
                "needs python3 with numpy (Debian's python3-numpy); CI installs it");
        Path file = dir.resolve("offline.npz");
        String script = "import numpy as np\n"
                + "def a(*s): return (np.arange(np.prod(s), dtype=np.float32).reshape(s) / 100.0 - 0.5)\n"
                + "np.savez(r'" + file + "', **{'hidden_0/W': a(5, 4), 'hidden_0/b': a(4), 'classifier/W': a(4, 3),"
                + " 'classifier/b': a(3)})\n";
        Process python = new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, python.waitFor(), output);
        Map<String, String> shape = Map.of("model.input-dim", "5", "model.classes", "3", "model.hidden", "4",
                "model.init-file", file.toString());
        AdaptationSettings settings = AdaptationSettings.from(KadaptConfig.of(shape));
        try (TransferModel model = TransferModel.initialise(settings.modelSpec(), settings.warmStart())) {
            INDArray w = model.parameters().get("hidden_0/W");
            assertEquals(-0.5f, w.getFloat(0, 0), 0f);
            assertEquals(0.01f - 0.5f, w.getFloat(0, 1), 1e-7f, "C order: row 0, column 1 is element 1");
            assertEquals(4 * 0.01f - 0.5f, w.getFloat(1, 0), 1e-7f);
            assertEquals(2 * 0.01f - 0.5f, model.parameters().get("classifier/b").getFloat(2), 1e-7f);
        }
        ConfigException wrong = assertThrows(ConfigException.class, () -> AdaptationSettings.from(KadaptConfig.of(
                Map.of("model.input-dim", "6", "model.classes", "3", "model.hidden", "4",
                        "model.init-file", file.toString()))));
        assertTrue(wrong.getMessage().contains("model.init-file") && wrong.getMessage().contains("hidden_0/W"),
                wrong.getMessage());
    }

    private static float[] features(Random random, double shift) {
        float[] x = new float[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            x[i] = (float) (random.nextGaussian() * (1 + i) + shift);
        }
        return x;
    }

    private static String join(float[] values) {
        StringBuilder line = new StringBuilder();
        for (float v : values) {
            line.append(line.length() == 0 ? "" : ",").append(v);
        }
        return line.toString();
    }

    private static boolean numpyAvailable() {
        try {
            return new ProcessBuilder(PYTHON, "-c", "import numpy").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<double[]> runNumpy(Path export, Path csv) throws Exception {
        Process process = new ProcessBuilder(PYTHON, "examples/numpy_predict.py",
                export.resolve(ModelExporter.NPZ).toString(), export.resolve(ModelExporter.JSON).toString(),
                csv.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return output.lines().map(line -> Arrays.stream(line.split(","))
                .mapToDouble(Double::parseDouble).toArray()).collect(Collectors.toList());
    }
}
