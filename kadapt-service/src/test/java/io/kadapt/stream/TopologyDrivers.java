package io.kadapt.stream;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.service.StreamsProperties;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.TopologyTestDriver;

/** Test drivers of the service's topologies, both halves joined as {@link AdaptationTopology#whole} joins them. */
final class TopologyDrivers {
    private TopologyDrivers() {
    }

    /**
     * A driver of the whole topology. The driver's wall clock stands still, so unless the test says otherwise the
     * trainer publishes after every step: each target is then predicted by the model of every step before it.
     */
    static TopologyTestDriver whole(KadaptConfig configured, AdaptationMetrics metrics, Path stateDir) {
        Map<String, String> defaults = new HashMap<>();
        ConfigKey interval = ConfigKey.MODEL_PUBLISH_INTERVAL_MS;
        if (configured.string(interval.key()).equals(interval.defaultValue())) {
            defaults.put(interval.key(), "0");
        }
        KadaptConfig config = configured.with(defaults);
        AdaptationSettings settings = AdaptationSettings.from(config);
        ServedModelHolder models = new ServedModelHolder(StoredTrainer.initialModel(settings), metrics);
        return new TopologyTestDriver(AdaptationTopology.whole(settings, metrics, models),
                StreamsProperties.from(config, StreamsProperties.Role.PREDICTION, "unused:9092", stateDir, metrics));
    }
}
