package io.kadapt.chaos;

import java.time.Duration;

/**
 * One stop and restart of the broker while kadapt kept running.
 *
 * @param atPredictions committed predictions just before the stop
 * @param outage        from the stop signal until the restarted broker accepted clients again
 * @param recovery      from the restarted broker's readiness until kadapt committed a prediction or a step beyond those committed
 *                      before the stop (or finished)
 * @param restored      changelog records kadapt replayed into its stores meanwhile: 0 if it simply resumed, more if
 *                      its transaction was aborted and the task rebuilt ({@code -1}: kadapt was gone)
 */
public record BrokerBounce(ChaosSettings.StopSignal signal, int atPredictions, Duration outage, Duration recovery,
                           long restored) {
    @Override
    public String toString() {
        return String.format("%s at %d predictions: down %.1f s, next commit %.1f s after restart, %d changelog "
                + "records restored", signal, atPredictions, outage.toMillis() / 1000.0, recovery.toMillis() / 1000.0,
                restored);
    }
}
