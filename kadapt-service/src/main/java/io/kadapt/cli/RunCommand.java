package io.kadapt.cli;

import io.kadapt.service.KadaptService;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kadapt run}: the service, until SIGTERM / Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the adaptation service (embedded broker unless --bootstrap-servers is given).")
final class RunCommand implements Callable<Integer> {
    /** Kafka Streams commits on close; SIGTERM must finish well inside a container's grace period. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    @Mixin
    ServiceOptions options;

    @Override
    public Integer call() throws InterruptedException {
        KadaptService service = KadaptService.start(options.load(Map.of()), Duration.ofMinutes(2));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> service.close(SHUTDOWN_TIMEOUT), "kadapt-shutdown"));
        ServiceBanner.print(service);
        service.awaitStop();
        return 0;
    }
}
