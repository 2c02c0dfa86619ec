package io.kadapt.cli;

import io.kadapt.client.SampleProducer;
import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.demo.DemoFeed;
import io.kadapt.demo.DemoSettings;
import io.kadapt.demo.DomainShiftStream;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.Topics;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kadapt demo}: the service plus a synthetic domain-shift stream, with a status line every few seconds. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the service and feed it a synthetic domain-shift stream (target = rotated, shifted source)"
                + " with late feedback labels, so target accuracy shows adaptation at work.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions options;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Stop after this long (e.g. 60s, 10m); default: until Ctrl-C.")
    Duration duration;

    @Option(names = "--rate", defaultValue = "100", description = "Source and target samples per second, each (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--rotation", defaultValue = "" + DemoSettings.ROTATION_DEGREES, description = "Rotation of the target domain in degrees (default ${DEFAULT-VALUE}).")
    double rotation;

    @Option(names = "--feedback-delay", defaultValue = "50",
            description = "Target samples between a sample and its late label (default ${DEFAULT-VALUE}).")
    int feedbackDelay;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the synthetic stream (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-service",
            description = "Only feed the stream, to a kadapt already running on --bootstrap-servers.")
    boolean noService;

    @Override
    public Integer call() throws InterruptedException {
        var config = options.load(DemoSettings.DEFAULTS);
        if (noService) {
            return feedOnly(config);
        }
        KadaptService service = KadaptService.start(config, Duration.ofMinutes(2));
        SampleProducer producer = new SampleProducer(service.bootstrapServers(), Topics.from(config));
        DemoFeed feed = new DemoFeed(producer, new DomainShiftStream(seed, rotation), rate, feedbackDelay);
        Thread feeder = new Thread(feed, "kadapt-demo-feed");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            feed.stop();
            service.close(RunCommand.SHUTDOWN_TIMEOUT);
        }, "kadapt-shutdown"));
        ServiceBanner.print(service);
        System.out.println("kadapt: demo feeding " + rate + " source + " + rate + " target samples/s; Ctrl-C stops."
                + " Predictions: kcat -C -b " + service.bootstrapServers() + " -t " + Topics.from(config).predictions());
        feeder.start();
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline && !service.awaitStop(Duration.ofSeconds(5))) {
            StatusLine.print(service);
        }
        feed.stop();
        feeder.join(5000);
        producer.close();
        StatusLine.print(service);
        service.close(RunCommand.SHUTDOWN_TIMEOUT);
        return 0;
    }

    /** The producer alone: for a kadapt that runs elsewhere (the compose stack's demo profile). */
    private int feedOnly(KadaptConfig config) throws InterruptedException {
        if (!config.isSet(ConfigKey.BOOTSTRAP_SERVERS)) {
            throw new IllegalArgumentException("--no-service needs --bootstrap-servers of a cluster where kadapt runs");
        }
        SampleProducer producer = new SampleProducer(config.string(ConfigKey.BOOTSTRAP_SERVERS), Topics.from(config));
        DemoFeed feed = new DemoFeed(producer, new DomainShiftStream(seed, rotation), rate, feedbackDelay);
        Thread feeder = new Thread(feed, "kadapt-demo-feed");
        Runtime.getRuntime().addShutdownHook(new Thread(feed::stop, "kadapt-demo-stop"));
        feeder.start();
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline && feeder.isAlive()) {
            feeder.join(5000);
            System.out.println("kadapt: demo feed sent " + feed.sent() + " source + " + feed.sent() + " target samples");
        }
        feed.stop();
        feeder.join(5000);
        producer.close();
        return 0;
    }
}
