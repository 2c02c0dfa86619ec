package io.kadapt.config;

import io.kadapt.data.Task;
import io.kadapt.loss.DomainTerm;
import io.kadapt.loss.LossCatalogue;
import io.kadapt.loss.SupervisedTerm;
import io.kadapt.loss.TermKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One row of the configuration table: a service key ({@link ConfigKey}) or a loss term's ({@link TermKey}).
 *
 * @param key          as written in files and {@code --set}
 * @param defaultValue empty means unset
 * @param description  the README's "meaning" column
 */
public record ConfigEntry(String key, String defaultValue, String description) {

    /**
     * Every key kadapt understands, in README order: the service's keys, with the supervised terms' keys after
     * {@code loss.supervised} and the domain terms' after {@code loss.schedule.steps}, where a reader of the table
     * looks for them.
     */
    public static List<ConfigEntry> all() {
        List<ConfigEntry> entries = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            entries.add(new ConfigEntry(key.key(), key.defaultValue(), key.description()));
            if (key == ConfigKey.LOSS_SUPERVISED) {
                LossCatalogue.supervisedKeys().forEach(k -> entries.add(of(k)));
            } else if (key == ConfigKey.LOSS_SCHEDULE_STEPS) {
                LossCatalogue.domainKeys().forEach(k -> entries.add(of(k)));
            }
        }
        return entries;
    }

    public static Optional<ConfigEntry> byKey(String key) {
        return Optional.ofNullable(Index.BY_KEY.get(key));
    }

    /** Built on first use, not with this class: ConfigKey's constants call this class while they initialise. */
    private static final class Index {
        static final Map<String, ConfigEntry> BY_KEY = all().stream()
                .collect(Collectors.toUnmodifiableMap(ConfigEntry::key, Function.identity()));
    }

    /** KADAPT_ followed by the key upper-cased, with dots and dashes as underscores. */
    public static String environmentVariable(String key) {
        return "KADAPT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String environmentVariable() {
        return environmentVariable(key);
    }

    /** "cross_entropy, focal, hinge (classification), mse (regression)", from the catalogue. */
    static String supervisedTermNames() {
        List<String> parts = new ArrayList<>();
        for (Task task : Task.values()) {
            List<String> names = LossCatalogue.SUPERVISED.stream().filter(t -> t.task() == task)
                    .map(SupervisedTerm::name).toList();
            if (!names.isEmpty()) {
                parts.add(String.join(", ", names) + " (" + task.configName() + ")");
            }
        }
        return String.join(", ", parts);
    }

    static String domainTermNames() {
        return LossCatalogue.DOMAIN.stream().map(DomainTerm::name).collect(Collectors.joining(", "));
    }

    private static ConfigEntry of(TermKey key) {
        return new ConfigEntry(key.key(), key.defaultValue(), key.description());
    }
}
