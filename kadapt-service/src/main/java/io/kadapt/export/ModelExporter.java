package io.kadapt.export;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.data.Domain;
import io.kadapt.model.Activation;
import io.kadapt.model.ModelSnapshot;
import io.kadapt.model.NumpyArchive;
import io.kadapt.model.TransferModel;
import io.kadapt.service.ClusterConnection;
import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.StoredTrainer;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.SampleBufferStore;
import io.kadapt.training.ModelExport;
import io.kadapt.training.OnlineTrainer;
import io.kadapt.training.TrainerState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads an application's model as its changelogs hold it (the checkpoint store: parameters, Adam state, trainer
 * statistics; the buffer store: target samples not yet trained, which count in the target statistics) and writes
 * it as {@code model.npz} + {@code model.json}. Works on a running application (its committed state) or a stopped
 * one; the configuration must be the one it runs with (model shape, standardisation).
 */
public final class ModelExporter {
    public static final String NPZ = "model.npz";
    public static final String JSON = "model.json";
    static final String MEAN = "standardization/target_mean";
    static final String SCALE = "standardization/target_scale";

    private ModelExporter() {
    }

    /** The trainer as the application's changelogs hold it now. */
    public static OnlineTrainer load(KadaptConfig config, ClusterConnection cluster) {
        AdaptationSettings settings = AdaptationSettings.from(config);
        String applicationId = StreamsProperties.applicationId(config, StreamsProperties.Role.TRAINING);
        Map<String, Object> client = new LinkedHashMap<>(cluster.clientSettings());
        client.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId + "-model-export");
        SortedMap<String, byte[]> model = ChangelogSnapshot.read(client, changelog(applicationId, ModelCheckpointStore.NAME));
        SortedMap<String, byte[]> buffer = ChangelogSnapshot.read(client, changelog(applicationId, SampleBufferStore.NAME));
        ModelCheckpointStore.Checkpoint checkpoint = ModelCheckpointStore.assemble(model::get).orElseThrow(
                () -> new IllegalStateException("application '" + applicationId + "' has no model checkpoint yet"));
        TransferModel transferModel = TransferModel.restore(settings.modelSpec(), ModelSnapshot.decode(checkpoint.model()));
        TrainerState state = TrainerState.decode(checkpoint.trainer(), settings.modelSpec().inputDim());
        return new OnlineTrainer(settings.training(), transferModel, StoredTrainer.shadow(settings, Optional.of(checkpoint)),
                state, SampleBufferStore.inOrder(buffer, Domain.SOURCE), SampleBufferStore.inOrder(buffer, Domain.TARGET),
                Map.of(), OnlineTrainer.StoredFeedback.NONE);
    }

    /** Writes {@value #NPZ} and {@value #JSON} into {@code dir}. */
    public static void write(ModelExport export, KadaptConfig config, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, INDArray> arrays = new LinkedHashMap<>(export.parameters());
        arrays.put(MEAN, Nd4j.createFromArray(export.targetMean()).castTo(DataType.DOUBLE));
        arrays.put(SCALE, Nd4j.createFromArray(export.targetScale()).castTo(DataType.DOUBLE));
        try (OutputStream out = Files.newOutputStream(dir.resolve(NPZ))) {
            NumpyArchive.write(out, arrays);
        }
        List<ModelSpecDocument.Layer> layers = new ArrayList<>();
        for (int i = 0; i < export.spec().hiddenLayers().size(); i++) {
            layers.add(new ModelSpecDocument.Layer("hidden_" + i + "/W", "hidden_" + i + "/b"));
        }
        layers.add(new ModelSpecDocument.Layer("classifier/W", "classifier/b"));
        ModelSpecDocument document = new ModelSpecDocument(ModelSpecDocument.FORMAT,
                export.spec().task().configName(), export.spec().inputDim(), export.spec().numClasses(),
                export.spec().activation().configName(), Activation.LEAKY_RELU_SLOPE, layers,
                new ModelSpecDocument.Standardization(MEAN, SCALE), export.step(), configHash(config));
        Files.write(dir.resolve(JSON), JsonCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(document));
    }

    private static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    private static String configHash(KadaptConfig config) {
        StringBuilder text = new StringBuilder();
        config.redacted().forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
