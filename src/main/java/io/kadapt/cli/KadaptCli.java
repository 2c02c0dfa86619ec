package io.kadapt.cli;

import io.kadapt.config.ConfigException;
import io.kadapt.service.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kadapt} command line. */
@Command(name = "kadapt", mixinStandardHelpOptions = true, versionProvider = KadaptCli.VersionProvider.class,
        description = "Online domain adaptation of a neural model on Kafka streams.",
        subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class KadaptCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new KadaptCli());
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof ConfigException || exception instanceof IllegalStateException
                    || exception instanceof IllegalArgumentException
                    || exception.getClass().getSimpleName().equals("BrokerStartException")) {
                commandLine.getErr().println("kadapt: " + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        return cli;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kadapt " + Version.current()};
        }
    }
}
