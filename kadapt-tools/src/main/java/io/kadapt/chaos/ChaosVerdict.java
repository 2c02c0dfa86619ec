package io.kadapt.chaos;

import java.util.List;

/** The verifier's findings on one run: empty {@code failures} means every check held. */
public record ChaosVerdict(List<String> failures, List<String> facts) {
    public boolean passed() {
        return failures.isEmpty();
    }
}
