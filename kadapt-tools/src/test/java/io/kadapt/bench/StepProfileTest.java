package io.kadapt.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code kadapt bench profile} on tiny sizes: the recording sees the step, and the shares add up. */
@Tag("unit")
class StepProfileTest {

    @Test
    @DisplayName("the profile charges the stepping thread's samples to the fast engine's methods, shares summing to 100 %")
    void profilesTheStep() throws Exception {
        // When a tiny CE step is profiled for two seconds
        String report = new StepProfile(PerfSettings.smoke(null),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run("./kadapt bench profile", Duration.ofSeconds(2));

        // Then the samples land in kadapt's engine (which of its classes varies: at these sizes a 2-second recording
        // holds under 200 samples, and once none fell in FastEngine's own frames), some of them in the native GEMM,
        // and every share is counted once
        assertTrue(Pattern.compile("\\| `(FastEngine|AdamOptimizer|Blas|StepBuffers|HandWritten\\w*|DirectForward)[.$]")
                .matcher(report).find(), report);
        assertTrue(report.contains("native `"), report);
        Matcher share = Pattern.compile("\\| ([0-9.]+) % \\|").matcher(report);
        double sum = 0;
        while (share.find()) {
            sum += Double.parseDouble(share.group(1));
        }
        assertTrue(Math.abs(sum - 100.0) < 1.0, "shares sum to " + sum + ":\n" + report);
    }
}
