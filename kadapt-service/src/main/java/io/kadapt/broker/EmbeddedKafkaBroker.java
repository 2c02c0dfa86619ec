package io.kadapt.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real single-node KRaft Kafka broker (combined broker+controller) in this JVM, for the zero-setup default and for
 * tests.
 *
 * <p>The broker listens on {@code localhost} only: a client listener on the requested port and a controller listener
 * on a second free port. The controller quorum is static ({@code controller.quorum.voters}), so the controller port may
 * change from one start to the next while the data directory is kept. Storage is formatted once, on the first start
 * with a fresh data directory; later starts with the same directory keep topics, committed records and consumer
 * offsets.
 *
 * <p>The broker's own logging (slf4j-simple loggers under {@code kafka.*}, the server-side {@code org.apache.kafka.*}
 * packages and Kafka's config dumps) is set to WARN unless the system property {@value #LOG_LEVEL_PROPERTY} names
 * another level or the corresponding {@code org.slf4j.simpleLogger.log.*} property is already set; see
 * {@link #configureLogging()}.
 *
 * <p>Caveat: like any Kafka broker, a fatal fault inside it (for example a corrupt metadata log) halts the JVM.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Largest record batch the broker accepts: room for 1 MiB records plus key, headers and batch overhead. */
    public static final int MESSAGE_MAX_BYTES = 4 * 1024 * 1024;

    /** System property: log level of the broker's own loggers (default {@code warn}). */
    public static final String LOG_LEVEL_PROPERTY = "kadapt.broker.log.level";

    /** Sub-directory of the data directory that holds Kafka's log (and metadata log) directory. */
    static final String LOG_DIR_NAME = "kafka-logs";

    /** File in the data directory locked while a broker uses the directory. */
    static final String LOCK_FILE_NAME = "broker.lock";

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String HOST = "localhost";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    /** Loggers of the broker's server side; client-side loggers ({@code org.apache.kafka.clients} ...) are left alone. */
    private static final String[] BROKER_LOGGERS = {
        "kafka", "state.change.logger",
        "org.apache.kafka.server", "org.apache.kafka.controller", "org.apache.kafka.raft",
        "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.storage",
        "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
        "org.apache.kafka.network", "org.apache.kafka.security", "org.apache.kafka.timeline",
        "org.apache.kafka.deferred", "org.apache.kafka.logger",
        // Kafka logs every config dump ("KafkaConfig values: ...", ~300 lines, several per broker start) through this
        // one shared logger, so quieting the broker's dumps also quiets the clients' dumps.
        "org.apache.kafka.common.config.AbstractConfig",
    };

    private final KafkaRaftServer server;
    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final DataDirLock lock;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, int controllerPort, Path dataDir, DataDirLock lock) {
        this.server = server;
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
        this.lock = lock;
    }

    /**
     * Starts a broker and waits until a client can talk to it.
     *
     * @param port    client port on localhost; 0 picks a free port
     * @param dataDir where the broker keeps its data; formatted on first use, reused (data kept) afterwards
     * @throws BrokerStartException if the port is in use, the data directory cannot be used, or the broker fails
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir) {
        return start(port, dataDir, Map.of());
    }

    /**
     * Like {@link #start(int, Path)}, with extra broker settings that override the defaults of this class. Overriding
     * listener, quorum or log directory settings is not supported.
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> overrides) {
        return start(port, dataDir, overrides, null);
    }

    /** Like {@link #start(int, Path)}, with SASL/PLAIN on the client listener and ACLs enforced. */
    public static EmbeddedKafkaBroker startSecured(int port, Path dataDir, SaslPlain security) {
        return start(port, dataDir, Map.of(), Objects.requireNonNull(security, "security"));
    }

    private static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> overrides,
                                             SaslPlain security) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(overrides, "overrides");
        // Checked before anything is formatted or started, so that a busy port leaves nothing behind.
        if (port != 0 && !isPortFree(port)) {
            throw portInUse(port, null);
        }
        Path absoluteDataDir = dataDir.toAbsolutePath().normalize();
        configureLogging();

        // Kafka's own log-dir lock is taken only when the broker part starts, after the controller part has already
        // opened the metadata log: a second broker on the same directory must be stopped before that.
        DataDirLock lock = DataDirLock.acquire(absoluteDataDir);
        try {
            BindFailure lastBindFailure = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int clientPort = port != 0 ? port : freePort(-1);
                int controllerPort = freePort(clientPort);
                try {
                    return startOnce(clientPort, controllerPort, absoluteDataDir, overrides, security, lock);
                } catch (BindFailure e) {
                    // Another process took one of the ports between our check and Kafka's bind.
                    if (port != 0 && !isPortFree(port)) {
                        throw portInUse(port, e.getCause());
                    }
                    lastBindFailure = e;
                }
            }
            throw new BrokerStartException("could not start the embedded Kafka broker: its ports were taken by "
                + "another process " + START_ATTEMPTS + " times in a row", lastBindFailure.getCause());
        } catch (RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    private static EmbeddedKafkaBroker startOnce(int port, int controllerPort, Path dataDir,
                                                 Map<String, String> overrides, SaslPlain security,
                                                 DataDirLock lock) {
        Path logDir = dataDir.resolve(LOG_DIR_NAME);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new BrokerStartException("cannot create the embedded Kafka broker's data directory " + logDir
                + ": " + e, e);
        }
        KafkaConfig config;
        try {
            config = new KafkaConfig(brokerConfig(port, controllerPort, logDir, overrides, security), false);
        } catch (ConfigException e) {
            throw new BrokerStartException("invalid embedded Kafka broker configuration: " + e.getMessage(), e);
        }
        formatIfNeeded(config, logDir);

        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new BrokerStartException("cannot use " + dataDir + " as the embedded Kafka broker's data "
                + "directory (" + e.getMessage() + "); delete it to start with an empty broker", e);
        }
        try {
            server.startup();
        } catch (Throwable t) {
            shutdownQuietly(server, t);
            if (isBindFailure(t)) {
                throw new BindFailure(t);
            }
            throw new BrokerStartException("the embedded Kafka broker on port " + port + " with data directory "
                + dataDir + " failed to start: " + rootMessage(t) + " (for the broker's own log, run with -D"
                + LOG_LEVEL_PROPERTY + "=info)", t);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, port, controllerPort, dataDir, lock);
        try {
            broker.awaitReady(READY_TIMEOUT, security == null ? Map.of() : security.clientSettings(security.adminUser()));
        } catch (RuntimeException e) {
            shutdownQuietly(server, e);
            throw e;
        }
        return broker;
    }

    /** The broker's settings: single node, exactly-once capable, lean. */
    static Map<String, Object> brokerConfig(int port, int controllerPort, Path logDir, Map<String, String> overrides,
                                            SaslPlain security) {
        Map<String, Object> p = new HashMap<>();
        String listener = security == null ? BROKER_LISTENER : SaslPlain.LISTENER;
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", listener + "://" + HOST + ":" + port + ","
            + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", listener + "://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", listener + (security == null ? ":PLAINTEXT," : ":SASL_PLAINTEXT,")
            + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", listener);
        if (security != null) {
            p.putAll(security.brokerSettings());
        }
        p.put("log.dirs", logDir.toString());

        // A single node: every internal topic has one replica, and one in-sync replica is enough.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "8");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "8");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");

        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("message.max.bytes", String.valueOf(MESSAGE_MAX_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(MESSAGE_MAX_BYTES));

        // Lean on a small machine shared with the service itself.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        // Fast unfencing at start. After a hard kill the restarted controller refuses the new broker incarnation
        // (DUPLICATE_BROKER_REGISTRATION) until the old one's session expires: the session timeout (default 9 s) is
        // the price of a hard bounce. 5 s still tolerates ten missed heartbeats (e.g. CPU starvation, GC).
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "5000");

        p.putAll(overrides);
        return p;
    }

    /** Formats the log directory unless a previous start already did (then its data is kept). */
    private static void formatIfNeeded(KafkaConfig config, Path logDir) {
        if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return;
        }
        try {
            new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(config.logDirs())
                .run();
        } catch (Exception e) {
            throw new BrokerStartException("cannot format the embedded Kafka broker's data directory " + logDir
                + ": " + e.getMessage() + "; delete the directory and try again", e);
        }
    }

    private void awaitReady(Duration timeout, Map<String, Object> clientSecurity) {
        Map<String, Object> props = new HashMap<>(clientSecurity);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kadapt-embedded-broker-ready-check");
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (true) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    break;
                }
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(remainingMs, TimeUnit.MILLISECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while waiting for the embedded Kafka broker", e);
        }
        throw new BrokerStartException("the embedded Kafka broker on " + bootstrapServers()
            + " did not answer a client within " + timeout.toSeconds() + " s", last);
    }

    /** "localhost:PORT". */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The port of the controller listener (chosen anew at each start). */
    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down cleanly and waits until it has stopped. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            lock.release();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static BrokerStartException portInUse(int port, Throwable cause) {
        return new BrokerStartException("port " + port + " is already in use; stop what uses it or pass "
            + "--embedded-port", cause);
    }

    /** True if a server socket can be bound where Kafka's listener would bind: localhost:port. */
    static boolean isPortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(int exclude) {
        for (int i = 0; i < 10; i++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int p = socket.getLocalPort();
                if (p != exclude) {
                    return p;
                }
            } catch (IOException e) {
                throw new BrokerStartException("cannot find a free port on " + HOST + ": " + e, e);
            }
        }
        throw new BrokerStartException("cannot find a free port on " + HOST);
    }

    private static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && m.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root + ")";
    }

    private static void shutdownQuietly(KafkaRaftServer server, Throwable failure) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (Throwable t) {
            failure.addSuppressed(t);
        }
    }

    /**
     * Sets the broker's own slf4j-simple loggers to WARN (or to the level in {@value #LOG_LEVEL_PROPERTY}), leaving
     * alone any logger whose {@code org.slf4j.simpleLogger.log.NAME} property is already set. slf4j-simple fixes a
     * logger's level when the logger is created, so this works best before any Kafka class is used: {@link #start}
     * calls it, and a main method that also creates Kafka clients before the broker may call it first.
     */
    public static void configureLogging() {
        String level = System.getProperty(LOG_LEVEL_PROPERTY, "warn");
        for (String logger : BROKER_LOGGERS) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, level);
            }
        }
    }

    /** An exclusive lock on {@code dataDir/broker.lock}, against other processes and this JVM alike. */
    private static final class DataDirLock {
        private final FileChannel channel;
        private final FileLock lock;

        private DataDirLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static DataDirLock acquire(Path dataDir) {
            Path file = dataDir.resolve(LOCK_FILE_NAME);
            FileChannel channel = null;
            try {
                Files.createDirectories(dataDir);
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    throw inUse(dataDir, null);
                }
                return new DataDirLock(channel, lock);
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel);
                throw inUse(dataDir, e);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new BrokerStartException("cannot use " + dataDir + " as the embedded Kafka broker's data "
                    + "directory: " + e, e);
            } catch (BrokerStartException e) {
                closeQuietly(channel);
                throw e;
            }
        }

        private static BrokerStartException inUse(Path dataDir, Throwable cause) {
            return new BrokerStartException("the data directory " + dataDir + " is in use by another running "
                + "kadapt broker; stop it or use another data directory", cause);
        }

        void release() {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it too
            }
            closeQuietly(channel);
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    /** Kafka could not bind one of its listeners. */
    private static final class BindFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BindFailure(Throwable cause) {
            super(cause);
        }
    }
}
