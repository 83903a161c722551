package io.durastash.integration.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@code docs/architecture.md}, checked on the classes every module of this build compiled (main classes,
 * and the test classes of the modules that test the whole): only the engine's internals touch RocksDB, nothing outside
 * the engine reaches into its internals (its tests inside {@code common} may), and the top-level packages form no
 * cycle.
 */
class ArchitectureTest {
    /** Modules whose main classes ship or serve the tests. */
    private static final List<String> MAIN = List.of("common", "sink-connector", "source-connector", "rest-extension",
        "tool", "testkit", "local-stack");
    /** Modules of tests that run the pair end to end: they use the engine as the connectors do. */
    private static final List<String> TESTS = List.of("fault-tests", "integration-tests", "local-stack");
    private static final String INTERNALS = "io.durastash.stash.internals..";

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
    void theTopLevelPackagesFormNoCycle() {
        slices().matching("io.durastash.(*)..").should().beFreeOfCycles().check(all);
    }
}
