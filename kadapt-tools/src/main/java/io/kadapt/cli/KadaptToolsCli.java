package io.kadapt.cli;

import picocli.CommandLine;

/**
 * The {@code kadapt} command line with the developer tools: the service's commands plus {@code bench}. The launcher
 * runs it for {@code ./kadapt bench …}; the service jar (and the image) has no {@code bench}.
 */
public final class KadaptToolsCli {
    private KadaptToolsCli() {
    }

    public static void main(String[] args) {
        System.exit(KadaptCli.execute(commandLine(), args));
    }

    static CommandLine commandLine() {
        return KadaptCli.commandLine().addSubcommand(new BenchCommand());
    }
}
