package io.kadapt.replay;

/** What a replay measured: prequential accuracy over every target sample, and how long it took. */
public record ReplayResult(int targetSamples, int correct, int duplicatePredictions, long lastModelStep,
                           double seconds) {
    public double accuracy() {
        return (double) correct / targetSamples;
    }
}
