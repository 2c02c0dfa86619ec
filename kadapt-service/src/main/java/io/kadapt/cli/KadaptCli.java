package io.kadapt.cli;

import io.kadapt.broker.BrokerStartException;
import io.kadapt.broker.TopicProvisioningException;
import io.kadapt.config.ConfigException;
import io.kadapt.service.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code kadapt} command line. */
@Command(name = "kadapt", mixinStandardHelpOptions = true, versionProvider = KadaptCli.VersionProvider.class,
        description = "Online domain adaptation of a neural model on Kafka streams.",
        subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, ResetCommand.class,
                ModelCommand.class, CommandLine.HelpCommand.class})
public final class KadaptCli {

    /**
     * JavaCPP's limit on the process's physical memory, checked on every native allocation and release: reading
     * the resident size costs a system call each time, 6 % of a training step in a profile (docs/BENCHMARKS.md),
     * and ND4J's own limits (-Xmx-derived {@code maxbytes}) still bound its arrays. 0 turns the check off; an
     * explicit {@code -D} setting wins.
     */
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";

    public static void main(String[] args) {
        System.exit(execute(commandLine(), args));
    }

    /** Runs a command line built on {@link #commandLine()}; the tools' launcher adds its subcommands first. */
    public static int execute(CommandLine cli, String[] args) {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0"); // before any ND4J class loads JavaCPP's Pointer
        }
        return cli.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new KadaptCli());
        cli.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            if (exception instanceof ConfigException || exception instanceof IllegalStateException
                    || exception instanceof IllegalArgumentException
                    || exception instanceof BrokerStartException || exception instanceof TopicProvisioningException) {
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
