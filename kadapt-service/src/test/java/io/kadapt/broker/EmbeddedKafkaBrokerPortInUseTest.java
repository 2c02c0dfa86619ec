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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No broker runs in this class: a busy port must fail fast and leave nothing behind. */
@Tag("broker")
class EmbeddedKafkaBrokerPortInUseTest {

    @TempDir
    Path tmp;

    private static Set<Long> liveThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
    }

    private void assertRefusedAndNothingLeft(ServerSocket taken) throws Exception {
        int port = taken.getLocalPort();
        Path dataDir = tmp.resolve("broker-" + port);
        Set<Long> threadsBefore = liveThreadIds();

        BrokerStartException e = assertThrows(BrokerStartException.class, () -> EmbeddedKafkaBroker.start(port, dataDir));

        assertTrue(e.getMessage().contains("port " + port + " is already in use"), e.getMessage());
        assertTrue(e.getMessage().contains("--embedded-port"), "says how to fix: " + e.getMessage());
        assertFalse(Files.exists(dataDir), "nothing formatted or written");
        List<String> newThreads = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !threadsBefore.contains(t.getId()))
            .map(Thread::getName).toList();
        assertEquals(List.of(), newThreads, "no threads left running");
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
