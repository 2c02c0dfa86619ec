package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared start of the chaos tests: one broker child, the seeded input of {@link #settings()} and an uninterrupted
 * reference run, which every test of the class then disrupts its own way and compares against.
 */
@Tag("chaos")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReferenceRunTest {
    @TempDir
    static Path workDir;

    ChaosHarness harness;
    RunReport reference;

    abstract ChaosSettings settings();

    @BeforeAll
    void startBrokerProduceAndRunReference() throws Exception {
        harness = ChaosHarness.start(workDir, System.out);
        harness.produceInput(settings().seed(), settings().sources(), settings().targets());
        reference = harness.runReference(settings());
        assertTrue(reference.verdict().passed(), reference.summary());
    }

    @AfterAll
    void stopBroker() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }
}
