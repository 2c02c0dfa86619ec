package io.kadapt.stream.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kadapt.data.Domain;
import io.kadapt.monitor.LabelFreeSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The label-free gauges of one monitor snapshot on the metrics topic, keyed {@code label-free/<modelStep>}: what
 * {@code /metrics} exports, for consumers of the topic. A score with no data yet (or not defined for the task) is
 * null. {@code type} tells it from the step records and control acknowledgements on the same topic. A monitoring
 * record, not part of the exactly-once state: the monitor's windows live in memory, so after a restart snapshots start
 * again from the first rows.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LabelFreeMessage(String type, long modelStep, long timestamp, int predictions,
                               Double predictionEntropy, Double informationMaximisation, Double snd,
                               List<Double> classRatios, Map<String, Double> inputDrift,
                               Double shadowDisagreement, Double sourcePrequentialAccuracy) {
    public static final String TYPE = "label-free";
    public static final String KEY_PREFIX = "label-free/";

    public static LabelFreeMessage of(LabelFreeSnapshot snapshot, long modelStep, long timestamp) {
        Map<String, Double> drift = new LinkedHashMap<>();
        for (Domain domain : Domain.values()) {
            drift.put(domain.tag(), finiteOrNull(snapshot.drift(domain)));
        }
        return new LabelFreeMessage(TYPE, modelStep, timestamp, snapshot.predictions(),
                finiteOrNull(snapshot.meanEntropy()), finiteOrNull(snapshot.informationMaximisation()),
                finiteOrNull(snapshot.softNeighbourhoodDensity()), snapshot.classRatios(), drift,
                finiteOrNull(snapshot.disagreementRatio()), finiteOrNull(snapshot.sourcePrequentialAccuracy()));
    }

    public String key() {
        return KEY_PREFIX + modelStep;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
