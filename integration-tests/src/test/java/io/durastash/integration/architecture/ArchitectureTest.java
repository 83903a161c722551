package io.durastash.integration.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@code docs/architecture.md}, checked on the classes every module of this build compiled (main classes,
 * and the test classes of the modules that test the whole): only the engine's internals touch RocksDB, nothing outside
 * the engine reaches into its internals (its tests inside {@code common} may), the engine's model depends on nothing
 * above it, no two packages depend on each other, and the stash's facade keeps to a few doors.
 */
class ArchitectureTest {
    /** Modules whose main classes ship or serve the tests. */
    private static final List<String> MAIN = List.of("common", "sink-connector", "source-connector", "rest-extension",
        "tool", "testkit", "local-stack");
    /** Modules of tests that run the pair end to end: they use the engine as the connectors do. */
    private static final List<String> TESTS = List.of("fault-tests", "integration-tests", "local-stack");
    private static final String INTERNALS = "io.durastash.stash.internals..";
    private static final String MODEL = "io.durastash.stash.model..";

    private static JavaClasses main;
    private static JavaClasses all;

    @BeforeAll
    static void importClasses() {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        ClassFileImporter importer = new ClassFileImporter();
        List<Path> mainDirs = MAIN.stream().map(module -> root.resolve(module).resolve("target/classes")).toList();
        List<Path> testDirs = TESTS.stream().map(module -> root.resolve(module).resolve("target/test-classes")).toList();
        for (Path dir : mainDirs) {
            assertTrue(Files.isDirectory(dir), dir + " is missing: run the build from the reactor root (mvn verify)");
        }
        main = importer.importPaths(mainDirs);
        all = importer.importPaths(java.util.stream.Stream.concat(mainDirs.stream(),
            testDirs.stream().filter(Files::isDirectory)).toList());
    }

    @Test
    void onlyTheEnginesInternalsUseRocksDb() {
        noClasses().that().resideOutsideOfPackage(INTERNALS)
            .should().dependOnClassesThat().resideInAPackage("org.rocksdb..")
            .because("RocksDB's handles, options and errors stay behind the engine's API (docs/architecture.md)")
            .check(main);
    }

    @Test
    void theConnectorsTheToolsAndTheEndToEndTestsUseTheEnginesApiOnly() {
        noClasses().that().resideOutsideOfPackage("io.durastash.stash..")
            .should().dependOnClassesThat().resideInAPackage(INTERNALS)
            .because("the engine's internals may change under its API; tests outside common use "
                + "io.durastash.stash.testing (RawStash) to reach below it")
            .check(all);
    }

    @Test
    void theModelDependsOnNothingAboveIt() {
        classes().that().resideInAPackage(MODEL)
            .should().onlyDependOnClassesThat(resideInAPackage(MODEL).or(resideOutsideOfPackage("io.durastash..")))
            .because("the values that cross the engine's API are the floor every other package stands on")
            .check(main);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("io.durastash.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void theStashKeepsAFewDoorsAndTheSinksAreOnItsLedger() {
        JavaClass stash = main.get("io.durastash.stash.Stash");
        List<String> doors = stash.getMethods().stream()
            .filter(method -> method.getModifiers().contains(JavaModifier.PUBLIC))
            .map(JavaMethod::getName)
            .sorted()
            .toList();
        assertTrue(doors.size() <= 15, "Stash has " + doors.size() + " public methods: " + doors);
        List<String> sinkOnly = List.of("append", "sync", "walSyncs", "reclaimDisk", "reclaimDrained", "volume", "gate",
            "hasDrainer", "stashedOffsets", "startRuns", "refetch", "restash");
        assertEquals(List.of(), doors.stream().filter(sinkOnly::contains).toList(),
            "what only a sink calls belongs on its SinkLedger");
    }
}
