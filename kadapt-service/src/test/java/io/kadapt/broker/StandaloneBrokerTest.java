package io.kadapt.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker in a process of its own, as the reliability harness runs it: ready line, hard bounce, SIGTERM. */
@Tag("broker")
class StandaloneBrokerTest {

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    /** A started child process and the lines it printed on stdout. */
    private record Child(Process process, BlockingQueue<String> stdout, Path stderr) {
        String awaitLine(String prefix, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? stdout.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    fail("no '" + prefix + "' line within " + timeout + " (alive=" + process.isAlive() + "); stderr:\n"
                        + tail(stderr));
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }
    }

    private Child startChild(int port, Path dataDir, String name) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = tmp.resolve(name + ".stderr");
        Process p = new ProcessBuilder(java.toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"),
            StandaloneBroker.class.getName(), "--port", String.valueOf(port), "--data-dir", dataDir.toString())
            .redirectError(stderr.toFile())
            .start();
        processes.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process went away
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return new Child(p, lines, stderr);
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void runsAsAChildProcessSurvivesAHardBounceAndStopsOnSigterm() throws Exception {
        int port = freePort();
        Path dataDir = tmp.resolve("data");
        String bootstrap = "localhost:" + port;
        String ready = StandaloneBroker.READY_PREFIX + " bootstrap=" + bootstrap;

        long t0 = System.nanoTime();
        Child first = startChild(port, dataDir, "first");
        assertEquals(ready, first.awaitLine(StandaloneBroker.READY_PREFIX, Duration.ofSeconds(90)));
        System.out.printf("standalone broker ready %d ms after process start%n", (System.nanoTime() - t0) / 1_000_000);

        KafkaTestClients.createTopic(bootstrap, "bounced", 2);
        KafkaTestClients.produceCommitted(bootstrap, "bounced", "before-kill");
        assertEquals("before-kill",
            KafkaTestClients.consume(bootstrap, "bounced", 1, Duration.ofSeconds(30)).get(0).value());

        // Hard bounce: SIGKILL, then a new process on the same port and data directory.
        first.process().destroyForcibly();
        assertTrue(first.process().waitFor(60, TimeUnit.SECONDS), "SIGKILL ends the broker");

        t0 = System.nanoTime();
        Child second = startChild(port, dataDir, "second");
        assertEquals(ready, second.awaitLine(StandaloneBroker.READY_PREFIX, Duration.ofSeconds(90)));
        System.out.printf("standalone broker ready %d ms after restart following SIGKILL%n",
            (System.nanoTime() - t0) / 1_000_000);

        BrokerStartException inUse = assertThrows(BrokerStartException.class,
            () -> EmbeddedKafkaBroker.start(0, dataDir), "the data dir is locked by the child process");
        assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());

        KafkaTestClients.produceCommitted(bootstrap, "bounced", "after-kill");
        List<String> values = KafkaTestClients.consume(bootstrap, "bounced", 2, Duration.ofSeconds(30)).stream()
            .map(ConsumerRecord::value).sorted().toList();
        assertEquals(List.of("after-kill", "before-kill"), values, "data committed before the kill is kept");

        // Clean stop on SIGTERM: the shutdown hook closes the broker (the time is printed; the bound is only generous
        // enough not to wait forever on a loaded machine: what matters is the clean close checked below)
        t0 = System.nanoTime();
        second.process().destroy();
        assertTrue(second.process().waitFor(120, TimeUnit.SECONDS), "SIGTERM stops the broker");
        System.out.printf("standalone broker stopped %d ms after SIGTERM%n", (System.nanoTime() - t0) / 1_000_000);
        assertTrue(Files.readString(second.stderr()).contains("kadapt broker on " + bootstrap + " stopped"),
            "the shutdown hook closed the broker cleanly; stderr:\n" + tail(second.stderr()));
        assertTrue(EmbeddedKafkaBroker.isPortFree(port), "port released");
    }

    @Test
    void reportsABusyPortAndExitsWithOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Child child = startChild(taken.getLocalPort(), tmp.resolve("data"), "busy");
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "exits instead of hanging");
            assertEquals(1, child.process().exitValue());
            String err = Files.readString(child.stderr());
            assertTrue(err.contains("port " + taken.getLocalPort() + " is already in use"), err);
            assertTrue(child.stdout().stream().noneMatch(l -> l.startsWith(StandaloneBroker.READY_PREFIX)));
        }
    }
}
