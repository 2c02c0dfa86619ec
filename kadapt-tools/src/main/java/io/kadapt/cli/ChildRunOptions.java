package io.kadapt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the benches that run kadapt as child processes: where their files go, and extra kadapt settings. */
final class ChildRunOptions {
    @Option(names = "--work-dir", description = "Broker data, state dirs and logs (default: a new temporary dir, kept).")
    Path workDir;

    @Mixin
    ConfigOverrides settings;

    /** The work dir, a new temporary one named {@code prefix…} unless given. */
    Path workDir(String prefix) throws IOException {
        return workDir != null ? workDir : Files.createTempDirectory(prefix);
    }
}
