package io.kadapt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KadaptConfigTest {

    @Test
    void laterLayersWinInTheDocumentedOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kadapt.properties");
        Files.writeString(file, "model.hidden=64\ntrain.learning-rate=0.01\nhttp.port=9000\nkafka.linger.ms=7\n");
        KadaptConfig config = KadaptConfig.load(Map.of("model.hidden", "16", "model.dropout", "0.2"), file,
                Map.of("KADAPT_TRAIN_LEARNING_RATE", "0.02", "KADAPT_HTTP_PORT", "9001"),
                Map.of("http.port", "9002"));

        assertEquals("0.2", config.string(ConfigKey.MODEL_DROPOUT), "command default over built-in default");
        assertEquals("64", config.string(ConfigKey.MODEL_HIDDEN), "file over command default");
        assertEquals(0.02, config.decimal(ConfigKey.TRAIN_LEARNING_RATE), "environment over file");
        assertEquals(9002, config.integer(ConfigKey.HTTP_PORT), "override over environment");
        assertEquals("relu", config.string(ConfigKey.MODEL_ACTIVATION), "built-in default");
        assertEquals(Map.of("linger.ms", "7"), config.kafkaOverrides());
    }

    @Test
    void environmentVariableNamesFollowTheKey() {
        assertEquals("KADAPT_BOOTSTRAP_SERVERS", ConfigKey.BOOTSTRAP_SERVERS.environmentVariable());
        assertEquals("KADAPT_TRAIN_BATCH_SOURCE", ConfigKey.TRAIN_BATCH_SOURCE.environmentVariable());
        assertEquals("KADAPT_TOPICS_AUTO_CREATE", ConfigKey.TOPICS_AUTO_CREATE.environmentVariable());
    }

    @Test
    void unknownKeysAreRejectedByName() {
        ConfigException error = assertThrows(ConfigException.class, () -> KadaptConfig.of(Map.of("model.hiden", "8")));
        assertTrue(error.getMessage().contains("model.hiden"), error.getMessage());
    }

    @Test
    void invalidAndMissingValuesNameTheKey() {
        KadaptConfig config = KadaptConfig.of(Map.of("train.batch.source", "-3", "train.learning-rate", "fast"));
        assertTrue(assertThrows(ConfigException.class, () -> config.positiveInteger(ConfigKey.TRAIN_BATCH_SOURCE))
                .getMessage().contains("train.batch.source"));
        assertTrue(assertThrows(ConfigException.class, () -> config.decimal(ConfigKey.TRAIN_LEARNING_RATE))
                .getMessage().contains("'fast'"));
        assertTrue(assertThrows(ConfigException.class, () -> config.required(ConfigKey.MODEL_INPUT_DIM))
                .getMessage().contains("KADAPT_MODEL_INPUT_DIM"));
    }

    @Test
    void everyKeyIsDocumentedInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey key : ConfigKey.values()) {
            assertTrue(readme.contains("`" + key.key() + "`"), key.key() + " missing from README.md");
            assertTrue(readme.contains(key.environmentVariable()), key.environmentVariable() + " missing from README.md");
        }
    }
}
