package io.kadapt.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No broker runs in this class: a busy port must fail fast and leave nothing behind. */
@Tag("broker")
class EmbeddedKafkaBrokerPortInUseTest {

    @TempDir
    Path tmp;

    /** Threads the JVM starts on demand, whoever asks: not the broker's. */
    private static final List<String> JVM_THREADS = List.of("Attach Listener", "Common-Cleaner", "process reaper",
            "ForkJoinPool", "Signal Dispatcher", "Notification Thread", "surefire", "JFR ");

    private static Set<Long> liveThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
    }

    /**
     * Threads started since {@code before} and still alive, other than the JVM's own; threads of the failed start
     * that are already stopping get up to 30 s to end (a state-based wait, not a race with the scheduler).
     */
    private static List<String> newThreads(Set<Long> before) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(30);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t.getId()))
                .map(Thread::getName)
                .filter(name -> JVM_THREADS.stream().noneMatch(name::startsWith))
                .toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        System.out.printf("port in use: new threads gone %d ms after the refusal%n",
            (System.nanoTime() - started) / 1_000_000);
        return left;
    }

    private void assertRefusedAndNothingLeft(ServerSocket taken) throws Exception {
        int port = taken.getLocalPort();
        Path dataDir = tmp.resolve("broker-" + port);
        Set<Long> threadsBefore = liveThreadIds();

        BrokerStartException e = assertThrows(BrokerStartException.class, () -> EmbeddedKafkaBroker.start(port, dataDir));

        assertTrue(e.getMessage().contains("port " + port + " is already in use"), e.getMessage());
        assertTrue(e.getMessage().contains("--embedded-port"), "says how to fix: " + e.getMessage());
        assertFalse(Files.exists(dataDir), "nothing formatted or written");
        assertEquals(List.of(), newThreads(threadsBefore), "no threads left running");
        assertTrue(taken.isBound() && !taken.isClosed());
    }

    @Test
    void portTakenOnTheWildcardAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertRefusedAndNothingLeft(taken);
        }
    }

    @Test
    void portTakenOnLoopback() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertRefusedAndNothingLeft(taken);
        }
    }

    @Test
    void rejectsImpossiblePorts() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaBroker.start(-1, tmp));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedKafkaBroker.start(65536, tmp));
    }
}
