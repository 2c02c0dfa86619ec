package io.kadapt.cli;

import io.kadapt.config.KadaptConfig;
import io.kadapt.export.ModelExporter;
import io.kadapt.service.ClusterConnection;
import io.kadapt.training.ModelExport;
import io.kadapt.training.OnlineTrainer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kadapt model}: the adapted model in and out. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "The adapted model in and out.",
        subcommands = ModelCommand.Export.class)
final class ModelCommand {

    /** {@code kadapt model export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Reads an application's model from its changelog topics (running or stopped; with the "
                    + "configuration it runs with) and writes DIR/model.npz (NumPy: every parameter, and the target "
                    + "standardisation) and DIR/model.json (layers, activation, task, classes, step, config hash). "
                    + "examples/numpy_predict.py computes kadapt's predictions from them with NumPy alone."})
    static final class Export implements Callable<Integer> {
        @Mixin
        ServiceOptions options;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the two files.")
        Path out;

        @Override
        public Integer call() throws Exception {
            KadaptConfig config = options.load(Map.of());
            try (ClusterConnection cluster = ClusterConnection.open(config);
                 OnlineTrainer trainer = ModelExporter.load(config, cluster)) {
                ModelExport export = trainer.export();
                ModelExporter.write(export, config, out);
                System.out.println("kadapt model export: step " + export.step() + " written to "
                        + out.resolve(ModelExporter.NPZ) + " and " + out.resolve(ModelExporter.JSON));
            }
            return 0;
        }
    }
}
