package io.kadapt.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The architecture of README's "Project layout", checked on the compiled main classes of all three modules (this
 * module's test classpath holds them all). The module boundaries are also enforced by the build: kadapt-core has no
 * Kafka on its classpath, the service jar no tools; these rules cover the package boundaries inside a module.
 */
@Tag("unit")
class ArchitectureTest {
    /** The learning core's packages (module kadapt-core). */
    private static final String[] CORE = {"io.kadapt.data..", "io.kadapt.loss..", "io.kadapt.model..",
        "io.kadapt.training..", "io.kadapt.monitor..", "io.kadapt.serving.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kadapt");
    }

    @Test
    @DisplayName("no cycles between packages")
    void noPackageCycles() {
        slices().matching("io.kadapt.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    @DisplayName("the learning core sees neither Kafka nor the service")
    void coreIsKafkaFree() {
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "io.micrometer..", "io.kadapt.config..",
                        "io.kadapt.stream..", "io.kadapt.service..", "io.kadapt.metrics..", "io.kadapt.cli..")
                .check(classes);
    }

    @Test
    @DisplayName("the model and the losses never see training, and losses never see the model")
    void coreLayers() {
        noClasses().that().resideInAnyPackage("io.kadapt.model..", "io.kadapt.loss..").should()
                .dependOnClassesThat().resideInAPackage("io.kadapt.training..").check(classes);
        noClasses().that().resideInAPackage("io.kadapt.loss..").should()
                .dependOnClassesThat().resideInAPackage("io.kadapt.model..").check(classes);
    }

    @Test
    @DisplayName("the serving path is read-only: nothing in training or the model depends on it")
    void servingIsALeaf() {
        noClasses().that().resideInAnyPackage("io.kadapt.model..", "io.kadapt.loss..", "io.kadapt.training..",
                "io.kadapt.monitor..").should().dependOnClassesThat().resideInAPackage("io.kadapt.serving..")
                .check(classes);
    }

    @Test
    @DisplayName("the label-free monitor sees only the data types: no model, losses, trainer or ND4J")
    void monitorIsPlainJava() {
        noClasses().that().resideInAPackage("io.kadapt.monitor..").should().dependOnClassesThat()
                .resideInAnyPackage("io.kadapt.model..", "io.kadapt.loss..", "io.kadapt.training..", "org.nd4j..")
                .check(classes);
    }

    @Test
    @DisplayName("metrics do not import the stream layer")
    void metricsDoNotImportStream() {
        noClasses().that().resideInAPackage("io.kadapt.metrics..").should().dependOnClassesThat()
                .resideInAPackage("io.kadapt.stream..").check(classes);
    }

    @Test
    @DisplayName("nothing imports the command line: it only wires")
    void nothingImportsTheCli() {
        noClasses().that().resideOutsideOfPackage("io.kadapt.cli..").should().dependOnClassesThat()
                .resideInAPackage("io.kadapt.cli..").check(classes);
    }

    @Test
    @DisplayName("the service never imports the developer tools")
    void serviceDoesNotImportTools() {
        noClasses().that().resideOutsideOfPackages("io.kadapt.bench..", "io.kadapt.chaos..", "io.kadapt.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kadapt.bench..", "io.kadapt.chaos..")
                .check(classes);
    }
}
