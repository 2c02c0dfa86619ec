package io.kadapt.cli;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.replay.LabelIndex;
import io.kadapt.replay.LabelledDataset;
import io.kadapt.replay.ReplayResult;
import io.kadapt.replay.StreamReplay;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kadapt replay}: stream two labelled CSV files through kadapt and print prequential target accuracy. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Stream a labelled source CSV and a target CSV (labels withheld) through kadapt, wait for every"
                + " target prediction and print the target accuracy (prequential: predicted before trained on).")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions options;

    @Option(names = "--source", required = true, paramLabel = "FILE.csv", description = "Labelled source samples: label,features...")
    Path sourceFile;

    @Option(names = "--target", required = true, paramLabel = "FILE.csv",
            description = "Target samples with their true labels, which are withheld from the service.")
    Path targetFile;

    @Option(names = "--feedback", description = "Send each target label late on the feedback topic.")
    boolean feedback;

    @Option(names = "--feedback-lag", defaultValue = "100", description = "Target samples between a sample and its label (default ${DEFAULT-VALUE}).")
    int feedbackLag;

    @Option(names = "--no-service", description = "Only produce and read predictions; a kadapt must already run on --bootstrap-servers.")
    boolean noService;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the stream order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout", defaultValue = "30m", converter = DurationConverter.class,
            description = "Give up waiting for predictions after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        LabelledDataset source = LabelledDataset.read(sourceFile);
        LabelledDataset target = LabelledDataset.read(targetFile);
        if (source.dimension() != target.dimension()) {
            throw new IllegalArgumentException("source has " + source.dimension() + " features, target "
                    + target.dimension());
        }
        LabelIndex labels = LabelIndex.of(source.labels());
        KadaptConfig config = options.load(Map.of(
                ConfigKey.MODEL_INPUT_DIM.key(), Integer.toString(source.dimension()),
                ConfigKey.MODEL_CLASSES.key(), Integer.toString(labels.classes()),
                ConfigKey.HTTP_PORT.key(), "0"));
        if (noService && !config.isSet(ConfigKey.BOOTSTRAP_SERVERS)) {
            throw new IllegalArgumentException("--no-service needs --bootstrap-servers of a cluster where kadapt runs");
        }
        KadaptService service = noService ? null : KadaptService.start(config, Duration.ofMinutes(2));
        try {
            String bootstrap = service == null ? config.string(ConfigKey.BOOTSTRAP_SERVERS) : service.bootstrapServers();
            ReplayResult result = new StreamReplay(bootstrap, Topics.from(config), feedback, feedbackLag, timeout)
                    .run(source, target, labels, seed);
            System.out.printf("replay: %s -> %s: target accuracy (prequential) %.4f (%d of %d), model step %d,"
                            + " %.1f s%n", source.name(), target.name(), result.accuracy(), result.correct(),
                    result.targetSamples(), result.lastModelStep(), result.seconds());
            if (result.duplicatePredictions() > 0) {
                System.out.println("replay: WARNING " + result.duplicatePredictions() + " duplicate predictions");
            }
            return 0;
        } finally {
            if (service != null) {
                service.close(RunCommand.SHUTDOWN_TIMEOUT);
            }
        }
    }
}
