package io.durastash.integration;

import com.fasterxml.jackson.databind.JsonNode;
import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.connect.ConnectorPlugin;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.PluginArchive;
import io.durastash.testkit.embedded.EmbeddedStack;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The plugin archive as an operator installs it: unzipped into a {@code plugin.path} directory of a worker
 * that discovers plugins with {@code plugin.discovery=service_load}.
 *
 * <p>Failsafe runs this class after {@code package}, with the connectors, the stash engine and RocksDB taken
 * off the test classpath (see this module's pom), so the worker can find them only inside the archive, in one
 * plugin class loader. {@link #connectorsAreNotOnTheClasspath} guards that premise: with the classes on the
 * classpath, Connect would list them even from a broken archive. So each check fails when the archive is
 * broken: a missing connector or common jar, or a missing {@code META-INF/services} entry, and the worker does
 * not list the connector or cannot validate its config; a missing or native-less RocksDB jar, or the two
 * connectors in separate class loaders (two RocksDB handles on one directory), and the pipeline test fails.
 */
@Tag("integration")
class PluginArchiveTest {
    private static final Logger log = LoggerFactory.getLogger(PluginArchiveTest.class);

    private static final String SINK = "io.durastash.sink.StashSinkConnector";
    private static final String SOURCE = "io.durastash.source.StashSourceConnector";
    private static final String VERSION = BuildInfo.load().version();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path pluginPath;
    @TempDir
    static Path stashDir;

    private static PluginArchive archive;
    private static EmbeddedStack cluster;

    @BeforeAll
    static void installArchiveAndStartWorker() {
        connectorsAreNotOnTheClasspath();
        archive = PluginArchive.ofBuild();
        Path pluginDir = archive.installInto(pluginPath);
        log.info("Installed {} as {}", archive.path().getFileName(), pluginDir);
        cluster = EmbeddedStack.builder("plugin-archive").pluginPath(pluginPath).build().start();
    }

    @AfterEach
    void deleteConnectors() {
        cluster.deleteConnectors();
    }

    @AfterAll
    static void stopWorker() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void archiveHasTheComponentArchiveLayout() {
        assertEquals(Set.of("durastash-durastash-" + VERSION), archive.topDirectories(), "one top directory, named with the version");
        String top = "durastash-durastash-" + VERSION + "/";
        assertTrue(archive.entries().contains(top + "manifest.json"), "manifest.json");
        assertTrue(archive.entries().contains(top + "doc/README.md"), "doc/README.md");

        JsonNode manifest = archive.manifest();
        assertFalse(manifest.toString().contains("${"), "unresolved placeholder in manifest.json: " + manifest);
        assertEquals("durastash", manifest.path("name").asText());
        assertEquals(VERSION, manifest.path("version").asText());
        for (String field : List.of("title", "description", "release_date")) {
            assertFalse(manifest.path(field).asText().isBlank(), "manifest.json " + field);
        }
        assertFalse(manifest.path("owner").path("username").asText().isBlank(), "manifest.json owner.username");
        for (String url : List.of("owner", "support")) {
            assertTrue(manifest.path(url).path("url").asText().startsWith("https://"), "manifest.json " + url + ".url");
        }
        assertTrue(manifest.path("license").isArray() && manifest.path("license").size() > 0, "manifest.json license");
        List<String> types = new ArrayList<>();
        manifest.path("component_types").forEach(type -> types.add(type.asText()));
        assertEquals(Set.of("sink", "source"), Set.copyOf(types), "manifest.json component_types");
    }

    /**
     * The archive is reproducible: every entry carries the release's date (the build's
     * {@code project.build.outputTimestamp}), which is also the manifest's {@code release_date}, not the day it was built.
     */
    @Test
    void everyEntryCarriesTheReleaseDateOfTheManifest() throws IOException {
        Instant release = LocalDate.parse(archive.manifest().path("release_date").asText()).atStartOfDay(ZoneOffset.UTC)
            .toInstant();
        // A zip entry's time is local time without a zone: allow for the offset of the zone the build ran in.
        Duration zones = Duration.ofHours(14);
        try (ZipFile zip = new ZipFile(archive.path().toFile())) {
            List<String> otherDates = zip.stream()
                .filter(entry -> Duration.between(release, entry.getLastModifiedTime().toInstant()).abs().compareTo(zones) > 0)
                .map(entry -> entry.getName() + " " + entry.getLastModifiedTime())
                .toList();
            assertEquals(List.of(), otherDates, "entries not dated " + release);
        }
    }

    @Test
    void libHoldsTheConnectorsAndTheirDependenciesButNotTheWorkersJars() {
        List<String> jars = archive.libJars();
        for (String required : List.of("durastash-common-" + VERSION + ".jar", "durastash-sink-connector-" + VERSION + ".jar",
            "durastash-source-connector-" + VERSION + ".jar")) {
            assertTrue(jars.contains(required), "lib/ lacks " + required + ": " + jars);
        }
        for (String required : List.of("rocksdbjni-", "jackson-databind-", "jackson-core-", "jackson-annotations-")) {
            assertTrue(jars.stream().anyMatch(jar -> jar.startsWith(required)), "lib/ lacks " + required + "*: " + jars);
        }
        // The worker provides these; Connect never loads them from a plugin anyway.
        List<String> provided = jars.stream()
            .filter(jar -> jar.startsWith("kafka") || jar.startsWith("connect-") || jar.startsWith("slf4j")
                || jar.startsWith("log4j") || jar.startsWith("junit"))
            .toList();
        assertEquals(List.of(), provided, "lib/ holds jars the worker provides");
    }

    @Test
    void connectorJarsDeclareTheirConnectorsForServiceLoading() {
        assertEquals(List.of(SINK), archive.jar("durastash-sink-connector-" + VERSION + ".jar")
            .providers("org.apache.kafka.connect.sink.SinkConnector"));
        assertEquals(List.of(SOURCE), archive.jar("durastash-source-connector-" + VERSION + ".jar")
            .providers("org.apache.kafka.connect.source.SourceConnector"));
    }

    @Test
    void rocksDbJarCarriesTheNativeLibraryForThisPlatform() {
        String rocksdb = archive.libJars().stream().filter(jar -> jar.startsWith("rocksdbjni-")).findFirst()
            .orElseThrow(() -> new AssertionError("no rocksdbjni jar in lib/"));
        List<String> natives = archive.jar(rocksdb).entries().stream()
            .filter(name -> name.startsWith("librocksdbjni")).toList();
        String expected = nativeLibraryOfThisPlatform();
        assertTrue(expected == null ? !natives.isEmpty() : natives.contains(expected),
            "lib/" + rocksdb + " has no " + (expected == null ? "native library" : expected) + ": " + natives);
    }

    @Test
    void workerListsBothConnectorsFromThePlugin() {
        Map<String, ConnectorPlugin> plugins = cluster.connectors().plugins().stream()
            .filter(plugin -> plugin.className().startsWith("io.durastash."))
            .collect(Collectors.toMap(ConnectorPlugin::className, plugin -> plugin));
        assertEquals(Set.of(SINK, SOURCE), plugins.keySet(), "DuraStash connectors the worker found");
        assertEquals("sink", plugins.get(SINK).type());
        assertEquals("source", plugins.get(SOURCE).type());
        assertEquals(VERSION, plugins.get(SINK).version(), "sink version (read from durastash-common in the plugin)");
        assertEquals(VERSION, plugins.get(SOURCE).version(), "source version (read from durastash-common in the plugin)");
    }

    @Test
    void connectorsValidateConfigsFromThePlugin() {
        for (String connector : List.of(SINK, SOURCE)) {
            Map<String, String> config = Map.of(ConnectorConfig.CONNECTOR_CLASS_CONFIG, connector,
                ConnectorConfig.NAME_CONFIG, "validate", SinkConnectorConfig.TOPICS_CONFIG, "in");
            ConfigInfos infos = cluster.connect().validateConnectorConfig(connector, config);
            List<String> errors = infos.configs().stream().map(ConfigInfo::configValue)
                .filter(value -> !value.errors().isEmpty()).map(value -> value.name() + ": " + value.errors()).toList();
            // stash.dir has no default: the connector's own ConfigDef (built from durastash-common) says so
            assertTrue(errors.stream().anyMatch(error -> error.startsWith("stash.dir:")),
                connector + " should reject a config without stash.dir, got " + errors);
        }
    }

    @Test
    void pipelineRunsThroughOneSharedStash() {
        String input = "archive-in";
        String output = "archive-out";
        cluster.createTopic(input, 2);
        cluster.createTopic(output, 2);
        Produced produced = RecordLoad.produce(cluster.kafka(), input, NumberedRecords.of(input), 1_000);

        Pair pair = Pair.local().named("archive").stash(stashDir, "archive").topics(input, output).tasks(1, 1);
        cluster.connectors().start(pair);

        Verdict verdict = TopicReader.of(cluster.bootstrapServers(), output).check(produced.expected(), READ_TIMEOUT);
        if (!verdict.complete()) {
            fail("Records did not get through the stash: " + verdict + "\nsink: "
                + cluster.connectors().status(pair.sink().name()) + "\nsource: "
                + cluster.connectors().status(pair.source().name()));
        }
        verdict.requireAtLeastOnce();
        assertTrue(Files.isDirectory(stashDir.resolve("archive")), "the stash directory");
    }

    /** The premise of every check above, asserted rather than assumed: see the class comment. */
    private static void connectorsAreNotOnTheClasspath() {
        ClassLoader classpath = PluginArchiveTest.class.getClassLoader();
        for (String className : List.of(SINK, SOURCE, "io.durastash.stash.Stash", "org.rocksdb.RocksDB")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(className, false, classpath),
                className + " is on the test classpath, so this test cannot tell whether the plugin archive supplies "
                    + "it. Run it through `mvn verify` (failsafe removes the DuraStash jars and RocksDB from its "
                    + "classpath), not from the IDE or surefire.");
        }
    }

    /** The file name RocksJava extracts on this platform, or null where this test does not know it. */
    private static String nativeLibraryOfThisPlatform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            boolean musl = Files.exists(Path.of("/etc/alpine-release"));
            String suffix = musl ? "-musl.so" : ".so";
            switch (arch) {
                case "amd64", "x86_64":
                    return "librocksdbjni-linux64" + suffix;
                case "aarch64":
                    return "librocksdbjni-linux-aarch64" + suffix;
                default:
                    return null;
            }
        }
        if (os.contains("mac")) {
            return "librocksdbjni-osx-" + (arch.equals("aarch64") ? "arm64" : "x86_64") + ".jnilib";
        }
        if (os.contains("windows")) {
            return "librocksdbjni-win64.dll";
        }
        return null;
    }
}
