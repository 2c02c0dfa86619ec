package io.kadapt.service;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.http.AdminHttpServer;
import io.kadapt.http.BearerToken;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.AdaptationTopology;
import io.kadapt.stream.ServedModelHolder;
import io.kadapt.stream.StoredTrainer;
import io.kadapt.service.StreamsProperties.Role;
import io.kadapt.stream.Topics;
import io.kadapt.stream.dlq.RejectReason;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running kadapt: optionally an embedded broker, the topics, the two Kafka Streams applications (prediction and
 * training, see {@link AdaptationTopology}), the metrics and the HTTP endpoints. Only wiring lives here.
 */
public final class KadaptService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KadaptService.class);

    private final KadaptConfig config;
    private final ClusterConnection cluster;
    private final Map<Role, KafkaStreams> streams;
    private final List<KafkaStreamsMetrics> streamsMetrics;
    private final AdaptationMetrics metrics;
    private final AdminHttpServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private KadaptService(KadaptConfig config, ClusterConnection cluster, Map<Role, KafkaStreams> streams,
                          List<KafkaStreamsMetrics> streamsMetrics, AdaptationMetrics metrics, AdminHttpServer http) {
        this.config = config;
        this.cluster = cluster;
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.metrics = metrics;
        this.http = http;
    }

    /** Starts everything and waits until both applications are RUNNING; on failure, stops what it started. */
    public static KadaptService start(KadaptConfig config, Duration readyTimeout) {
        AdaptationSettings settings = AdaptationSettings.from(config); // validate before starting anything
        Optional<BearerToken> token = BearerToken.from(config.string(ConfigKey.HTTP_TOKEN_FILE),
                System.getenv(BearerToken.ENVIRONMENT_VARIABLE));
        ClusterConnection cluster = ClusterConnection.open(config);
        Map<Role, KafkaStreams> streams = new LinkedHashMap<>();
        List<KafkaStreamsMetrics> streamsMetrics = new ArrayList<>();
        AdminHttpServer http = null;
        try {
            cluster.provisionTopics(settings.topics());
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            AdaptationMetrics metrics = new AdaptationMetrics(registry, RejectReason.tags());
            ServedModelHolder models = new ServedModelHolder(StoredTrainer.initialModel(settings), metrics);
            AtomicReference<String> fatal = new AtomicReference<>();
            streams.put(Role.PREDICTION, open(config, Role.PREDICTION,
                    AdaptationTopology.prediction(settings, metrics, models), cluster, metrics, fatal));
            streams.put(Role.TRAINING, open(config, Role.TRAINING, AdaptationTopology.training(settings, metrics),
                    cluster, metrics, fatal));
            for (KafkaStreams app : streams.values()) {
                KafkaStreamsMetrics binder = new KafkaStreamsMetrics(app);
                binder.bindTo(registry);
                streamsMetrics.add(binder);
            }
            KadaptService[] self = new KadaptService[1];
            http = AdminHttpServer.start(config.string(ConfigKey.HTTP_BIND), config.integer(ConfigKey.HTTP_PORT),
                    token, registry, () -> allRunning(streams), () -> self[0].info());
            self[0] = new KadaptService(config, cluster, streams, streamsMetrics, metrics, http);
            streams.values().forEach(KafkaStreams::start);
            awaitRunning(streams, readyTimeout, fatal);
            return self[0];
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            streams.values().forEach(app -> app.close(Duration.ofSeconds(10)));
            streamsMetrics.forEach(KafkaStreamsMetrics::close);
            cluster.close();
            throw e;
        }
    }

    private static KafkaStreams open(KadaptConfig config, Role role, Topology topology, ClusterConnection cluster,
                                     AdaptationMetrics metrics, AtomicReference<String> fatal) {
        KafkaStreams app = new KafkaStreams(topology,
                StreamsProperties.from(config, role, cluster.bootstrapServers(), cluster.stateDir(), metrics));
        StoreRecoveryListener recovery = new StoreRecoveryListener(metrics);
        app.setGlobalStateRestoreListener(recovery);
        app.setStandbyUpdateListener(recovery);
        String applicationId = StreamsProperties.applicationId(config, role);
        app.setUncaughtExceptionHandler(exception -> {
            Optional<String> access = AccessFailure.explain(exception, applicationId);
            if (access.isPresent()) {
                LOG.error("kadapt stops: {}", access.get());
                fatal.compareAndSet(null, access.get());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("{}: stream thread failed; replacing it (state is restored from the changelog)",
                    applicationId, exception);
            metrics.streamThreadReplaced();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return app;
    }

    private static boolean allRunning(Map<Role, KafkaStreams> streams) {
        return streams.values().stream().allMatch(app -> app.state() == KafkaStreams.State.RUNNING);
    }

    private static void awaitRunning(Map<Role, KafkaStreams> streams, Duration timeout, AtomicReference<String> fatal) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allRunning(streams)) {
            if (fatal.get() != null) {
                throw new IllegalStateException(fatal.get());
            }
            for (Map.Entry<Role, KafkaStreams> app : streams.entrySet()) {
                KafkaStreams.State state = app.getValue().state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("Kafka Streams (" + app.getKey().name().toLowerCase()
                            + ") stopped while starting: " + state);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not RUNNING after " + timeout + " (" + states(streams)
                        + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting", e);
            }
        }
    }

    private static String states(Map<Role, KafkaStreams> streams) {
        StringBuilder text = new StringBuilder();
        streams.forEach((role, app) -> text.append(text.length() == 0 ? "" : ", ")
                .append(role.name().toLowerCase()).append(' ').append(app.state()));
        return text.toString();
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public Topics topics() {
        return Topics.from(config);
    }

    public int httpPort() {
        return http.port();
    }

    /** RUNNING when both applications are; otherwise the state of the first that is not. */
    public KafkaStreams.State state() {
        return streams.values().stream().map(KafkaStreams::state).filter(s -> s != KafkaStreams.State.RUNNING)
                .findFirst().orElse(KafkaStreams.State.RUNNING);
    }

    public AdaptationMetrics metrics() {
        return metrics;
    }

    Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", "kadapt");
        info.put("version", Version.current());
        info.put("state", state().toString());
        info.put("states", states(streams));
        info.put("modelStep", metrics.modelStep());
        info.put("bootstrapServers", cluster.bootstrapServers());
        info.put("embeddedBroker", cluster.embedded());
        info.put("config", config.redacted());
        return info;
    }

    /** Blocks until {@link #close} has run (e.g. from a shutdown hook). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Commits and stops both applications (they commit on a clean close), then the HTTP server and the broker. */
    public void close(Duration timeout) {
        if (stopped.getCount() == 0) {
            return;
        }
        // Leaving the group lets a restarted or standby instance take the tasks at once, not after a session timeout.
        streams.values().forEach(app -> app.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
        streamsMetrics.forEach(KafkaStreamsMetrics::close);
        http.close();
        cluster.close();
        stopped.countDown();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
