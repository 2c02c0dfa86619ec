package io.kadapt.broker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the {@link EmbeddedKafkaBroker} as a process of its own:
 * {@code java -cp ... io.kadapt.broker.StandaloneBroker --port N --data-dir DIR}.
 *
 * <p>Prints {@value #READY_PREFIX}{@code  bootstrap=localhost:N} on stdout once clients can connect (the broker's logs go
 * to stderr), and shuts the broker down cleanly on SIGTERM / Ctrl-C. Killed hard (SIGKILL), it recovers on the next
 * start with the same data directory. Exit codes: 1 if the broker cannot start, 2 for bad arguments.
 */
public final class StandaloneBroker {

    public static final String READY_PREFIX = "KADAPT_BROKER_READY";

    private static final String USAGE = "usage: StandaloneBroker --port N --data-dir DIR   (port 0 picks a free port)";

    private StandaloneBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        Integer port = null;
        Path dataDir = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (port == null || dataDir == null) {
                throw new IllegalArgumentException("--port and --data-dir are required");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be in 0..65535");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(port, dataDir);
        } catch (BrokerStartException e) {
            System.err.println("kadapt broker: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
                System.err.println("kadapt broker on " + broker.bootstrapServers() + " stopped");
            } finally {
                stopped.countDown();
            }
        }, "kadapt-broker-shutdown"));
        System.out.println(READY_PREFIX + " bootstrap=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
