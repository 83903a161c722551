package io.durastash.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input against a real standalone worker process: malformed connector configs (each key, through the REST
 * validate endpoint), a stash.name that tries to leave stash.dir, a stash held by another process (a second worker,
 * the durastash tool), records of 10 MiB, empty topics, and 20,000 polls of one record each. Each gets a clear error
 * naming the key or path, or works; nothing is lost.
 *
 * <p>One broker and one worker for the class (broker {@code message.max.bytes} and the worker's producer and consumer
 * limits raised for the 10 MiB records); each test uses its own topics, stash and connector names and deletes its
 * connectors.
 */
@Tag("fault-full")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BadInputFaultTest {
    static final int HUGE = 10 * 1024 * 1024;
    static final String MAX_MESSAGE = Integer.toString(12 * 1024 * 1024);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultReport report;
    private FaultStack stack;
    private ConnectWorker worker;
    private final List<String> deployed = new ArrayList<>();

    @BeforeAll
    void startStack() {
        report = FaultReport.of("bad-input");
        stack = FaultStack.start(FaultData.fresh("bad-input"), Map.of("message.max.bytes", MAX_MESSAGE));
        worker = stack.startStandalone("connect", Ports.anyFree(), Map.of(
            "producer.max.request.size", MAX_MESSAGE,
            "consumer.max.partition.fetch.bytes", MAX_MESSAGE));
    }

    @AfterEach
    void deleteConnectors() throws Exception {
        for (String name : deployed) {
            worker.rest().delete("connectors/" + name);
        }
        deployed.clear();
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    // ---- configs ----

    /** A bad value for every key each connector defines; the test fails if a connector gains a key not listed here. */
    static final Map<String, List<String>> BAD_VALUES = Map.ofEntries(
        Map.entry("stash.dir", List.of("")),
        Map.entry("stash.name", List.of("../escape", "bad name")),
        Map.entry("stash.memory.bytes", List.of("1", "lots")),
        Map.entry("stash.max.bytes", List.of("1024", "-5", "ten")),
        Map.entry("stash.resume.percent", List.of("100", "0")),
        Map.entry("stash.sync", List.of("maybe")),
        Map.entry("group.by", List.of("partition")),
        Map.entry("group.by.header", List.of("")),
        Map.entry("topic", List.of("bad topic!", "${topic}/x")),
        Map.entry("preserve.partition", List.of("maybe")),
        Map.entry("provenance.headers", List.of("maybe")),
        Map.entry("provenance.header.prefix", List.of("")),
        Map.entry("poll.max.records", List.of("0")),
        Map.entry("poll.wait.ms", List.of("0", "60000")),
        Map.entry("load.hold.ms", List.of("-1")));

    @Test
    void everyKeyOfBothConnectorsRejectsABadValueWithAMessageNamingTheKey() throws Exception {
        int checked = 0;
        for (ConnectorConfigFile connector : List.of(stack.sink(), stack.source())) {
            List<String> keys = pluginKeys(connector.connectorClass());
            assertTrue(keys.contains("stash.dir"), connector.connectorClass() + " keys: " + keys);
            for (String key : keys) {
                assertTrue(BAD_VALUES.containsKey(key), "no bad value listed for " + key + " of " + connector.connectorClass());
                for (String bad : BAD_VALUES.get(key)) {
                    Map<String, String> config = new LinkedHashMap<>(connector.config());
                    config.put(key, bad);
                    if ("group.by.header".equals(key)) {
                        config.put("group.by", "header");
                    }
                    assertRejected(connector, config, key, key + "=" + bad);
                    checked++;
                }
            }
        }
        // Missing and combined keys: the error goes on the key to fix.
        Map<String, String> noDir = new LinkedHashMap<>(stack.sink().config());
        noDir.remove("stash.dir");
        assertRejected(stack.sink(), noDir, "stash.dir", "stash.dir missing");
        Map<String, String> headerless = new LinkedHashMap<>(stack.sink().config());
        headerless.put("group.by", "header");
        assertRejected(stack.sink(), headerless, "group.by.header", "group.by=header without group.by.header");
        Map<String, String> strayHeader = new LinkedHashMap<>(stack.sink().config());
        strayHeader.put("group.by.header", "tenant");
        assertRejected(stack.sink(), strayHeader, "group.by.header", "group.by.header with group.by=topic");
        Map<String, String> boundary = new LinkedHashMap<>(stack.source().config());
        boundary.put("transaction.boundary", "connector");
        assertRejected(stack.source(), boundary, "transaction.boundary",
            "transaction.boundary=connector without exactly.once.support=required");
        Map<String, String> offsetsTopic = new LinkedHashMap<>(stack.source().config());
        offsetsTopic.put("topic", "my-offsets");
        offsetsTopic.put("offsets.storage.topic", "my-offsets");
        assertRejected(stack.source(), offsetsTopic, "topic", "topic = the connector's offsets topic");
        checked += 5;

        // Creating a connector with a bad config is refused as a whole, naming the key.
        Map<String, String> tooSmall = new LinkedHashMap<>(stack.sink().config());
        tooSmall.put("stash.max.bytes", "1024");
        ConnectRest.Response created = create("bad-config-sink", tooSmall);
        report.line("POST /connectors with stash.max.bytes=1024: HTTP %d %s", created.status(), oneLine(created.message()));
        assertEquals(400, created.status(), created.message());
        assertTrue(created.message().contains("stash.max.bytes"), created.message());
        report.line("SUMMARY configs: %d bad values over the keys of both connectors, each rejected by PUT "
            + "/connector-plugins/{class}/config/validate with a message naming the key", checked);
    }

    @Test
    void aStashNameThatTriesToLeaveStashDirIsRejected() throws Exception {
        Path outside = stack.stashDir().getParent().resolve("escape");
        for (String name : List.of("../escape", "..", ".", "a/../../escape", "/tmp/escape", "x/y", "...", "")) {
            for (ConnectorConfigFile connector : List.of(stack.sink(), stack.source())) {
                Map<String, String> config = new LinkedHashMap<>(connector.config());
                config.put("stash.name", name);
                assertRejected(connector, config, "stash.name", "stash.name=" + name);
            }
            Map<String, String> config = new LinkedHashMap<>(stack.sink().config());
            config.put("stash.name", name);
            ConnectRest.Response created = create("escape-sink", config);
            assertEquals(400, created.status(), "stash.name=" + name + ": " + created.message());
        }
        assertFalse(Files.exists(outside), outside + " was created");
        report.line("SUMMARY stash.name escape: 8 names (../escape, .., ., a/../../escape, /tmp/escape, x/y, ..., empty) "
            + "rejected for both connectors by validate and by POST /connectors (HTTP 400); nothing created outside "
            + "stash.dir");
    }

    @Test
    void aStashHeldByAnotherProcessFailsTheTaskWithAMessageNamingThePath() throws Exception {
        String in = "locked-in";
        String out = "locked-out";
        stack.createTopics(in, out, Map.of());
        Map<String, String> pair = Map.of("topics", in, "topic", out, "stash.name", "locked");
        ConnectorConfigFile sink = named(stack.sink(pair), "locked-sink");
        ConnectorConfigFile source = named(stack.source(pair), "locked-source");
        Path stash = stack.stashDir().resolve("locked");
        deploy(sink, false);

        // The durastash tool, while the worker holds the stash.
        StashToolRun tool = StashToolRun.durastash("--dir", stash.toString(), "stats");
        report.line("durastash --dir <stash> stats while the worker holds it: exit %d, %s", tool.exitCode(),
            oneLine(tool.output() + tool.errors()));
        assertEquals(1, tool.exitCode(), tool.toString());
        assertTrue((tool.output() + tool.errors()).contains(stash.toString()), tool.toString());

        // A second worker process on the same stash.
        ConnectWorker second = stack.startStandalone("connect-second", Ports.anyFree(), Map.of(
            "offset.storage.file.filename", stack.root().resolve("connect").resolve("second.offsets").toString()));
        try {
            for (ConnectorConfigFile connector : List.of(named(sink, "second-sink"), named(source, "second-source"))) {
                second.deploy(connector, false);
                FaultStack.await(connector.name() + " to fail", Duration.ofSeconds(60),
                    () -> FaultStack.status(second, connector.name()).tasks().containsValue("FAILED"));
                String trace = FaultStack.status(second, connector.name()).trace();
                String error = trace.lines().filter(line -> line.contains("StashException")).findFirst().orElse(trace);
                report.line("%s on a second worker process: task FAILED: %s", connector.name(), error.strip());
                assertTrue(error.contains(stash.toString()) && error.contains("locked by another process"), trace);
            }
        } finally {
            FaultStack.stop(second);
        }

        // The first worker's pair is unaffected.
        deploy(source, false);
        long produced = BackgroundLoad.start(stack.cluster(), in, 100, 0, 1_000, Map.of()).await();
        Verdict verdict = stack.verdict(in, out, Duration.ofSeconds(30));
        report.verdict(verdict);
        assertTrue(verdict.passed(), verdict.describe(in, out));
        report.line("SUMMARY locked stash: the tool (exit 1) and a second worker's sink and source tasks (FAILED) name "
            + "the path and the holder; the first worker's pair delivered %d of %d records", verdict.arrived(), produced);
    }

    @Test
    void aStashDirThatCannotBeWrittenFailsTheTaskWithAMessageNamingThePath() throws Exception {
        String in = "unwritable-in";
        stack.createTopics(in, "unwritable-out", Map.of());
        // stash.dir below a regular file: the directory cannot be created (root ignores permission bits, a file cannot).
        Path file = stack.root().resolve("not-a-directory");
        Files.writeString(file, "a file where the stash directory should be");
        ConnectorConfigFile sink = named(stack.sink(Map.of("topics", in, "stash.dir", file.resolve("stashes").toString(),
            "stash.name", "demo")), "unwritable-sink");
        deployed.add(sink.name());
        worker.deploy(sink, false);
        FaultStack.await(sink.name() + " to fail", Duration.ofSeconds(60),
            () -> FaultStack.status(worker, sink.name()).tasks().containsValue("FAILED"));
        String trace = FaultStack.status(worker, sink.name()).trace();
        String error = trace.lines().filter(line -> line.contains("StashException")).findFirst().orElse(trace).strip();
        report.line("stash.dir below a regular file: sink task FAILED: %s", error);
        assertTrue(error.contains(file.resolve("stashes").resolve("demo").toString()), trace);
        assertTrue(error.contains("stash.dir"), "the error does not say what to change: " + trace);
        report.line("SUMMARY unwritable stash.dir: the sink task FAILED with a message naming the path and stash.dir");
    }

    // ---- records ----

    @Test
    void tenMebibyteRecordsPassThroughByteExact() {
        String in = "huge-in";
        String out = "huge-out";
        stack.createTopics(in, out, Map.of("max.message.bytes", MAX_MESSAGE));
        Map<String, String> pair = Map.of("topics", in, "topic", out, "stash.name", "huge");
        deploy(named(stack.sink(pair), "huge-sink"), false);
        deploy(named(stack.source(pair), "huge-source"), false);
        long t0 = System.nanoTime();
        long produced = BackgroundLoad.start(stack.cluster(), in, HUGE, 0, 12, Map.of("max.request.size", MAX_MESSAGE))
            .await();
        Verdict verdict = stack.verdict(in, out, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.verdict(verdict);
        assertTrue(verdict.passed(), verdict.describe(in, out));
        assertEquals(0, verdict.altered());
        report.line("SUMMARY huge values: %d records of %d bytes (10 MiB) byte-exact (value and headers compared) in %.1f s; "
            + "lost %d, duplicated %d; limits: producer max.request.size, broker message.max.bytes, topic "
            + "max.message.bytes = %s, worker producer.max.request.size and consumer.max.partition.fetch.bytes = %s",
            produced, HUGE, seconds, verdict.missing(), verdict.duplicates(), MAX_MESSAGE, MAX_MESSAGE);
    }

    @Test
    void emptyTopicsKeepThePairRunningAndLaterRecordsArrive() {
        String in = "empty-in";
        String out = "empty-out";
        stack.createTopics(in, out, Map.of());
        Map<String, String> pair = Map.of("topics", in, "topic", out, "stash.name", "empty");
        ConnectorConfigFile sink = named(stack.sink(pair), "empty-sink");
        ConnectorConfigFile source = named(stack.source(pair), "empty-source");
        deploy(sink, false);
        deploy(source, false);
        FaultStack.sleep(10_000);
        for (ConnectorConfigFile connector : List.of(sink, source)) {
            ConnectRest.Status status = FaultStack.status(worker, connector.name());
            assertEquals("RUNNING", status.connector(), status.toString());
            assertEquals(List.of("RUNNING"), List.copyOf(new TreeSet<>(status.tasks().values())), status.toString());
        }
        assertEquals(0, stack.records(out));
        long produced = BackgroundLoad.start(stack.cluster(), in, 100, 0, 1_000, Map.of()).await();
        Verdict verdict = stack.verdict(in, out, Duration.ofSeconds(30));
        report.verdict(verdict);
        assertTrue(verdict.passed(), verdict.describe(in, out));
        report.line("SUMMARY empty topics: the pair stayed RUNNING for 10 s on an empty input topic with nothing "
            + "emitted; %d records produced afterwards all arrived, lost %d, duplicated %d", produced, verdict.missing(),
            verdict.duplicates());
    }

    @Test
    void twentyThousandPollsOfOneRecordEach() {
        String in = "tiny-in";
        String out = "tiny-out";
        stack.createTopics(in, out, Map.of());
        Map<String, String> pair = Map.of("topics", in, "topic", out, "stash.name", "tiny");
        Map<String, String> onePerPoll = new LinkedHashMap<>(pair);
        onePerPoll.put("consumer.override.max.poll.records", "1");
        ConnectorConfigFile sink = named(stack.sink(onePerPoll), "tiny-sink");
        deploy(sink, false);
        deploy(named(stack.source(pair), "tiny-source"), false);
        long t0 = System.nanoTime();
        long produced = BackgroundLoad.start(stack.cluster(), in, 100, 0, 20_000, Map.of()).await();
        Verdict verdict = stack.verdict(in, out, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.verdict(verdict);
        assertTrue(verdict.passed(), verdict.describe(in, out));
        WorkerMetrics metrics = new WorkerMetrics(worker.process().pid());
        String sinkMetrics = "kafka.connect:type=plugins,connector=" + sink.name() + ",*";
        double batches = metrics.sum(sinkMetrics, "put-batch-total");
        double live = metrics.sum(sinkMetrics, "stash-pending-batches");
        metrics.close();
        assertEquals(produced, (long) batches, "one stash batch per poll of one record");
        report.line("SUMMARY tiny batches: %d records, %.0f stash batches of one record (one synced write each), all "
            + "delivered in %.1f s (%.0f batches/s); lost %d, duplicated %d; pending batches left %.0f", produced, batches,
            seconds, batches / seconds, verdict.missing(), verdict.duplicates(), live);
    }

    // ---- helpers ----

    private void assertRejected(ConnectorConfigFile connector, Map<String, String> config, String key, String what)
        throws Exception {
        ObjectNode body = JSON.valueToTree(config);
        body.put("name", connector.name());
        ConnectRest.Response response = worker.rest().put("connector-plugins/" + connector.connectorClass()
            + "/config/validate", body);
        assertEquals(200, response.status(), what + ": " + response.message());
        assertTrue(response.body().path("error_count").asInt() >= 1, what + " was accepted");
        List<String> onKey = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        for (JsonNode entry : response.body().path("configs")) {
            String name = entry.path("value").path("name").asText();
            for (JsonNode error : entry.path("value").path("errors")) {
                (name.equals(key) ? onKey : elsewhere).add(name + ": " + error.asText());
            }
        }
        assertFalse(onKey.isEmpty(), what + ": no error on " + key + "; errors: " + elsewhere);
        assertTrue(onKey.get(0).substring(key.length() + 2).contains(key), what + ": the message does not name " + key
            + ": " + onKey);
        assertTrue(elsewhere.isEmpty(), what + ": errors on other keys too: " + elsewhere);
        report.line("%s %s -> %s", simpleName(connector.connectorClass()), what, oneLine(onKey.get(0)));
    }

    /** The keys of the connector's own ConfigDef, as GET /connector-plugins/{class}/config lists them. */
    private List<String> pluginKeys(String connectorClass) throws Exception {
        ConnectRest.Response response = worker.rest().get("connector-plugins/" + connectorClass + "/config");
        assertEquals(200, response.status(), response.message());
        List<String> keys = new ArrayList<>();
        // The connector's own keys come first, then Connect's (from "name" on: name, connector.class, tasks.max, ...).
        for (JsonNode key : response.body()) {
            if ("name".equals(key.path("name").asText())) {
                break;
            }
            keys.add(key.path("name").asText());
        }
        return keys;
    }

    private ConnectRest.Response create(String name, Map<String, String> config) throws Exception {
        ObjectNode create = JSON.createObjectNode();
        create.put("name", name);
        create.set("config", JSON.valueToTree(config));
        ConnectRest.Response response = worker.rest().post("connectors", create);
        if (response.ok()) {
            deployed.add(name);
        }
        return response;
    }

    private void deploy(ConnectorConfigFile connector, boolean paused) {
        deployed.add(connector.name());
        FaultStack.deploy(worker, connector, paused);
    }

    private static ConnectorConfigFile named(ConnectorConfigFile connector, String name) {
        return new ConnectorConfigFile(connector.file(), name, connector.config());
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " | ");
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }
}
