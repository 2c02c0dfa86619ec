package io.kadapt.chaos;

import java.time.Duration;
import java.util.List;

/**
 * One run of kadapt through its kills and restarts, and the verifier's verdict on what it committed.
 *
 * @param killedAtPredictions committed predictions seen just before each stop (how far in the stream it landed)
 * @param sigtermExits        for each SIGTERM (the kill points in SIGTERM mode, and the final stop): how long the
 *                            process took to exit; {@code null} if it had to be killed after the grace period
 * @param takeover            the failover of a standby run, {@code null} in other runs
 */
public record RunReport(String name, String applicationId, ChaosSettings settings, int starts,
                        List<Integer> killedAtPredictions, List<Duration> sigtermExits, List<BrokerBounce> brokerBounces,
                        StandbyTakeover takeover, Duration wallTime, RunOutput output, ChaosVerdict verdict) {

    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("%s (%s, %s, commit.interval.ms=%d): %s in %.1f s, %d starts, %d %s at committed "
                        + "predictions %s, SIGTERM exits %s%n", name, applicationId, settings.guarantee(),
                settings.commitIntervalMs(), verdict.passed() ? "PASSED" : "FAILED", wallTime.toMillis() / 1000.0,
                starts, killedAtPredictions.size(), settings.stop(), killedAtPredictions,
                sigtermExits.stream().map(d -> d == null ? "timeout" : d.toMillis() + " ms").toList()));
        brokerBounces.forEach(bounce -> text.append("  broker ").append(bounce).append('\n'));
        if (takeover != null) {
            text.append("  standby ").append(takeover).append('\n');
        }
        verdict.facts().forEach(fact -> text.append("  ok    ").append(fact).append('\n'));
        verdict.failures().forEach(failure -> text.append("  FAIL  ").append(failure).append('\n'));
        return text.toString();
    }
}
