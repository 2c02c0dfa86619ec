package io.kadapt.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --set KEY=VALUE}: any configuration key, for every command that configures kadapt. */
final class ConfigOverrides {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A config key (see README's configuration table), repeatable.")
    Map<String, String> values = new LinkedHashMap<>();
}
