package io.kadapt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.DomainTerm;
import io.kadapt.loss.LossCatalogue;
import io.kadapt.loss.SupervisedTerm;
import io.kadapt.loss.TermKey;
import io.kadapt.loss.TermSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
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
    @DisplayName("README's configuration table is exactly the keys, defaults, variables and meanings of the code")
    void readmeTableMatchesTheCode() throws Exception {
        List<String> expected = ConfigEntry.all().stream().map(KadaptConfigTest::readmeRow).toList();
        List<String> documented = Files.readAllLines(Path.of("README.md")).stream()
                .filter(line -> line.startsWith("| `") && line.split("\\|", -1).length == 6
                        && line.split("\\|", -1)[3].contains("`KADAPT_"))
                .toList();
        if (!documented.equals(expected)) {
            Path generated = Path.of("kadapt-service", "target", "config-table.md");
            Files.writeString(generated, String.join("\n", expected) + "\n");
            for (int i = 0; i < Math.max(expected.size(), documented.size()); i++) {
                String want = i < expected.size() ? expected.get(i) : "(nothing)";
                String have = i < documented.size() ? documented.get(i) : "(nothing)";
                assertEquals(want, have, "README configuration row " + (i + 1) + " differs from the code; the"
                        + " whole table as the code has it is in " + generated);
            }
        }
    }

    private static String readmeRow(ConfigEntry entry) {
        String value = entry.defaultValue().isEmpty() ? "(empty)" : "`" + entry.defaultValue() + "`";
        return "| `" + entry.key() + "` | " + value + " | `" + entry.environmentVariable() + "` | "
                + entry.description() + " |";
    }

    @Test
    @DisplayName("every loss term reads only declared keys, reads all of its own, and its README row lists exactly them")
    void readmeCatalogueMatchesTheRegistry() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        Map<String, Set<String>> knobsByTerm = new LinkedHashMap<>();
        for (SupervisedTerm term : LossCatalogue.SUPERVISED) {
            RecordingSettings read = new RecordingSettings();
            term.create(read);
            assertTrue(read.keys.containsAll(keys(term.keys())), term.name() + " ignores a key it declares");
            knobsByTerm.put(term.name(), read.keys);
        }
        for (DomainTerm term : LossCatalogue.DOMAIN) {
            RecordingSettings read = new RecordingSettings();
            term.create(read);
            assertTrue(read.keys.containsAll(keys(term.ownKeys())), term.name() + " ignores a key it declares");
            read.keys.addAll(keys(List.of(term.lambdaKey(), term.scheduleKey())));
            knobsByTerm.put(term.name(), read.keys);
        }
        Pattern knob = Pattern.compile("`(loss\\.[a-z.-]+)`");
        for (Map.Entry<String, Set<String>> term : knobsByTerm.entrySet()) {
            List<String> rows = readme.stream().filter(l -> l.startsWith("| `" + term.getKey() + "` |")).toList();
            assertEquals(1, rows.size(), "one README catalogue row for " + term.getKey());
            String[] cells = rows.get(0).split("\\|");
            Set<String> documented = new TreeSet<>();
            Matcher m = knob.matcher(cells[cells.length - 1]);
            while (m.find()) {
                documented.add(m.group(1));
            }
            assertEquals(new TreeSet<>(term.getValue()), documented, "README knobs of " + term.getKey());
        }
    }

    private static List<String> keys(List<TermKey> keys) {
        return keys.stream().map(TermKey::key).toList();
    }

    /** Default values of declared keys only (an undeclared key fails), recording what a term's factory reads. */
    private static final class RecordingSettings implements TermSettings {
        final Set<String> keys = new TreeSet<>();

        @Override
        public String string(String key) {
            keys.add(key);
            return ConfigEntry.byKey(key).orElseThrow(() -> new AssertionError("undeclared key " + key))
                    .defaultValue();
        }

        @Override
        public int featureDim() {
            return 8;
        }

        @Override
        public int classes() {
            return 3;
        }

        @Override
        public double dropout() {
            return 0.1;
        }
    }
}
