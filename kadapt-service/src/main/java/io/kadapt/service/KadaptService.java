package io.kadapt.service;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.http.AdminHttpServer;
import io.kadapt.http.BearerToken;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.AdaptationTopology;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running kadapt: optionally an embedded broker, the topics, Kafka Streams with the adaptation topology,
 * the metrics and the HTTP endpoints. Only wiring lives here.
 */
public final class KadaptService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KadaptService.class);

    private final KadaptConfig config;
    private final ClusterConnection cluster;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final AdaptationMetrics metrics;
    private final AdminHttpServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private KadaptService(KadaptConfig config, ClusterConnection cluster, KafkaStreams streams,
                          KafkaStreamsMetrics streamsMetrics, AdaptationMetrics metrics, AdminHttpServer http) {
        this.config = config;
        this.cluster = cluster;
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.metrics = metrics;
        this.http = http;
    }

    /** Starts everything and waits until Kafka Streams is RUNNING; on failure, stops what it started. */
    public static KadaptService start(KadaptConfig config, Duration readyTimeout) {
        AdaptationSettings settings = AdaptationSettings.from(config); // validate before starting anything
        Optional<BearerToken> token = BearerToken.from(config.string(ConfigKey.HTTP_TOKEN_FILE),
                System.getenv(BearerToken.ENVIRONMENT_VARIABLE));
        ClusterConnection cluster = ClusterConnection.open(config);
        KafkaStreams streams = null;
        AdminHttpServer http = null;
        KafkaStreamsMetrics streamsMetrics = null;
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
            streams = new KafkaStreams(AdaptationTopology.build(settings, metrics),
                    StreamsProperties.from(config, cluster.bootstrapServers(), cluster.stateDir(), metrics));
            StoreRecoveryListener recovery = new StoreRecoveryListener(metrics);
            streams.setGlobalStateRestoreListener(recovery);
            streams.setStandbyUpdateListener(recovery);
            String applicationId = config.required(ConfigKey.APPLICATION_ID);
            AtomicReference<String> fatal = new AtomicReference<>();
            streams.setUncaughtExceptionHandler(exception -> {
                Optional<String> access = AccessFailure.explain(exception, applicationId);
                if (access.isPresent()) {
                    LOG.error("kadapt stops: {}", access.get());
                    fatal.compareAndSet(null, access.get());
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                LOG.error("stream thread failed; replacing it (state is restored from the changelog)", exception);
                metrics.streamThreadReplaced();
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(registry);
            KafkaStreams running = streams;
            KadaptService[] self = new KadaptService[1];
            http = AdminHttpServer.start(config.string(ConfigKey.HTTP_BIND), config.integer(ConfigKey.HTTP_PORT),
                    token, registry,
                    () -> running.state() == KafkaStreams.State.RUNNING, () -> self[0].info());
            self[0] = new KadaptService(config, cluster, streams, streamsMetrics, metrics, http);
            streams.start();
            awaitRunning(streams, readyTimeout, fatal);
            return self[0];
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            if (streams != null) {
                streams.close(Duration.ofSeconds(10));
            }
            if (streamsMetrics != null) {
                streamsMetrics.close();
            }
            cluster.close();
            throw e;
        }
    }

    private static void awaitRunning(KafkaStreams streams, Duration timeout, AtomicReference<String> fatal) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (fatal.get() != null) {
                throw new IllegalStateException(fatal.get());
            }
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("Kafka Streams stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not RUNNING after " + timeout + " (state "
                        + streams.state() + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting", e);
            }
        }
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

    public KafkaStreams.State state() {
        return streams.state();
    }

    public AdaptationMetrics metrics() {
        return metrics;
    }

    Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", "kadapt");
        info.put("version", Version.current());
        info.put("state", streams.state().toString());
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

    /** Commits and stops Kafka Streams (it commits on a clean close), then the HTTP server and the broker. */
    public void close(Duration timeout) {
        if (stopped.getCount() == 0) {
            return;
        }
        // Leaving the group lets a restarted or standby instance take the task at once, not after a session timeout.
        streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
        http.close();
        cluster.close();
        stopped.countDown();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
