package io.durastash.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durastash.testkit.Await;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.ConnectRest;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.CommandRun;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;
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

    private final Pair local = Pair.local();
    private FaultReport report;
    private ProcessStack stack;
    private WorkerProcess worker;
    private final List<String> deployed = new ArrayList<>();

    @BeforeAll
    void startStack() {
        report = FaultReport.of("bad-input");
        stack = ProcessStack.start(FaultData.fresh("bad-input"), Map.of("message.max.bytes", MAX_MESSAGE));
        worker = stack.startWorker(WorkerSpec.standalone("connect")
            .property("producer.max.request.size", MAX_MESSAGE)
            .property("consumer.max.partition.fetch.bytes", MAX_MESSAGE));
    }

    @AfterEach
    void deleteConnectors() {
        deployed.forEach(worker.connectors()::delete);
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
        Map.entry("stash.min.free.bytes", List.of("-1", "plenty")),
        Map.entry("stash.volume.bytes", List.of("-1", "big")),
        Map.entry("input.commit", List.of("sometimes")),
        Map.entry("stash.resume.percent", List.of("100", "0")),
        Map.entry("stash.sync", List.of("maybe")),
        Map.entry("group.by", List.of("partition")),
        Map.entry("group.by.header", List.of("")),
        Map.entry("topic", List.of("bad topic!", "${topic}/x")),
        Map.entry("preserve.partition", List.of("maybe")),
        Map.entry("provenance.headers", List.of("maybe")),
        Map.entry("loop.header", List.of("maybe")),
        Map.entry("provenance.header.prefix", List.of("")),
        Map.entry("poll.max.records", List.of("0")),
        Map.entry("poll.max.bytes", List.of("0")),
        Map.entry("poll.wait.ms", List.of("0", "60000")),
        Map.entry("load.hold.ms", List.of("-1")),
        Map.entry("transaction.max.ms", List.of("-1", "60000")));

    @Test
    void everyKeyOfBothConnectorsRejectsABadValueWithAMessageNamingTheKey() throws Exception {
        int checked = 0;
        for (ConnectorConfig connector : List.of(local.sink(), local.source())) {
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
        Map<String, String> noDir = new LinkedHashMap<>(local.sink().config());
        noDir.remove("stash.dir");
        assertRejected(local.sink(), noDir, "stash.dir", "stash.dir missing");
        Map<String, String> headerless = new LinkedHashMap<>(local.sink().config());
        headerless.put("group.by", "header");
        assertRejected(local.sink(), headerless, "group.by.header", "group.by=header without group.by.header");
        Map<String, String> strayHeader = new LinkedHashMap<>(local.sink().config());
        strayHeader.put("group.by.header", "tenant");
        assertRejected(local.sink(), strayHeader, "group.by.header", "group.by.header with group.by=topic");
        Map<String, String> boundary = new LinkedHashMap<>(local.source().config());
        boundary.put("transaction.boundary", "connector");
        assertRejected(local.source(), boundary, "transaction.boundary",
            "transaction.boundary=connector without exactly.once.support=required");
        Map<String, String> offsetsTopic = new LinkedHashMap<>(local.source().config());
        offsetsTopic.put("topic", "my-offsets");
        offsetsTopic.put("offsets.storage.topic", "my-offsets");
        assertRejected(local.source(), offsetsTopic, "topic", "topic = the connector's offsets topic");
        checked += 5;

        // Creating a connector with a bad config is refused as a whole, naming the key.
        Map<String, String> tooSmall = new LinkedHashMap<>(local.sink().config());
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
            for (ConnectorConfig connector : List.of(local.sink(), local.source())) {
                Map<String, String> config = new LinkedHashMap<>(connector.config());
                config.put("stash.name", name);
                assertRejected(connector, config, "stash.name", "stash.name=" + name);
            }
            Map<String, String> config = new LinkedHashMap<>(local.sink().config());
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
        createTopics(in, out, Map.of());
        Pair pair = local.topics(in, out).both("stash.name", "locked");
        ConnectorConfig sink = pair.sink().named("locked-sink");
        ConnectorConfig source = pair.source().named("locked-source");
        Path stash = stack.stashDir().resolve("locked");
        start(sink);

        // The durastash tool, while the worker holds the stash.
        CommandRun tool = StashToolRun.durastash("--dir", stash.toString(), "stats");
        report.line("durastash --dir <stash> stats while the worker holds it: exit %d, %s", tool.exitCode(),
            oneLine(tool.output() + tool.errors()));
        assertEquals(1, tool.exitCode(), tool.toString());
        assertTrue((tool.output() + tool.errors()).contains(stash.toString()), tool.toString());

        // A second worker process on the same stash, with the pair's own names (others are refused at validate()).
        WorkerProcess second = stack.startWorker(WorkerSpec.standalone("connect-second").property(
            "offset.storage.file.filename", stack.root().resolve("connect").resolve("second.offsets").toString()));
        try {
            for (ConnectorConfig connector : List.of(sink, source)) {
                second.connectors().deploy(connector);
                Await.until(connector.name() + " to fail", Duration.ofSeconds(60),
                    () -> second.connectors().status(connector.name()).failed());
                String trace = second.connectors().status(connector.name()).trace();
                String error = trace.lines().filter(line -> line.contains("StashException")).findFirst().orElse(trace);
                report.line("%s on a second worker process: task FAILED: %s", connector.name(), error.strip());
                assertTrue(error.contains(stash.toString()) && error.contains("locked by another process"), trace);
            }
        } finally {
            second.stop();
        }

        // The first worker's pair is unaffected.
        start(source);
        long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), 1_000).acknowledged();
        Verdict verdict = verdict(in, out, Duration.ofSeconds(30));
        report.verdict(verdict);
        assertTrue(verdict.atLeastOnce(), verdict.toString());
        report.line("SUMMARY locked stash: the tool (exit 1) and a second worker's sink and source tasks (FAILED) name "
            + "the path and the holder; the first worker's pair delivered %d of %d records", verdict.arrived(), produced);
    }

    @Test
    void aStashDirThatCannotBeWrittenFailsTheTaskWithAMessageNamingThePath() throws Exception {
        String in = "unwritable-in";
        createTopics(in, "unwritable-out", Map.of());
        // stash.dir below a regular file: the directory cannot be created (root ignores permission bits, a file cannot).
        Path file = stack.root().resolve("not-a-directory");
        Files.writeString(file, "a file where the stash directory should be");
        ConnectorConfig sink = local.sink().with("topics", in).with("stash.dir", file.resolve("stashes").toString())
            .with("stash.name", "demo").named("unwritable-sink");
        deployed.add(sink.name());
        worker.connectors().deploy(sink);
        Await.until(sink.name() + " to fail", Duration.ofSeconds(60),
            () -> worker.connectors().status(sink.name()).failed());
        String trace = worker.connectors().status(sink.name()).trace();
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
        createTopics(in, out, Map.of("max.message.bytes", MAX_MESSAGE));
        start(local.topics(in, out).both("stash.name", "huge").named("huge"));
        long t0 = System.nanoTime();
        long produced = RecordLoad.into(stack.kafka(), in, NumberedRecords.of(in).withValueBytes(HUGE))
            .producer(Map.of("max.request.size", MAX_MESSAGE)).count(12).produce().acknowledged();
        Verdict verdict = verdict(in, out, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.verdict(verdict);
        assertTrue(verdict.atLeastOnce(), verdict.toString());
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
        createTopics(in, out, Map.of());
        Pair pair = local.topics(in, out).both("stash.name", "empty").named("empty");
        start(pair);
        Deadline.pause(10_000);
        for (ConnectorConfig connector : List.of(pair.sink(), pair.source())) {
            ConnectorStatus status = worker.connectors().status(connector.name());
            assertEquals(ConnectorStatus.RUNNING, status.connector(), status.toString());
            assertEquals(List.of(ConnectorStatus.RUNNING), List.copyOf(new TreeSet<>(status.tasks().values())),
                status.toString());
        }
        assertEquals(0, stack.kafka().written(out));
        long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), 1_000).acknowledged();
        Verdict verdict = verdict(in, out, Duration.ofSeconds(30));
        report.verdict(verdict);
        assertTrue(verdict.atLeastOnce(), verdict.toString());
        report.line("SUMMARY empty topics: the pair stayed RUNNING for 10 s on an empty input topic with nothing "
            + "emitted; %d records produced afterwards all arrived, lost %d, duplicated %d", produced, verdict.missing(),
            verdict.duplicates());
    }

    @Test
    void twentyThousandPollsOfOneRecordEach() {
        String in = "tiny-in";
        String out = "tiny-out";
        createTopics(in, out, Map.of());
        Pair pair = local.topics(in, out).both("stash.name", "tiny").named("tiny")
            .withSink("consumer.override.max.poll.records", "1");
        start(pair);
        long t0 = System.nanoTime();
        long produced = RecordLoad.produce(stack.kafka(), in, NumberedRecords.of(in), 20_000).acknowledged();
        Verdict verdict = verdict(in, out, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.verdict(verdict);
        assertTrue(verdict.atLeastOnce(), verdict.toString());
        WorkerMetrics metrics = WorkerMetrics.ofProcess(worker.process().pid());
        String sinkMetrics = WorkerMetrics.pluginMetrics(pair.sink().name());
        double batches = metrics.sum(sinkMetrics, "put-batch-total");
        double live = metrics.sum(sinkMetrics, "stash-pending-batches");
        metrics.close();
        assertEquals(produced, (long) batches, "one stash batch per poll of one record");
        report.line("SUMMARY tiny batches: %d records, %.0f stash batches of one record (one synced write each), all "
            + "delivered in %.1f s (%.0f batches/s); lost %d, duplicated %d; pending batches left %.0f", produced, batches,
            seconds, batches / seconds, verdict.missing(), verdict.duplicates(), live);
    }

    // ---- helpers ----

    private void createTopics(String in, String out, Map<String, String> configs) {
        stack.createTopic(in, ProcessStack.PARTITIONS, configs);
        stack.createTopic(out, ProcessStack.PARTITIONS, configs);
    }

    /** Every number of {@code in} on {@code out}, as a loader reads it. */
    private Verdict verdict(String in, String out, Duration stall) {
        return TopicReader.of(stack.bootstrapServers(), out).check(Expected.inTopic(stack.kafka(), in), stall);
    }

    private void assertRejected(ConnectorConfig connector, Map<String, String> config, String key, String what)
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

    private void start(ConnectorConfig connector) {
        deployed.add(connector.name());
        worker.connectors().start(connector);
    }

    private void start(Pair pair) {
        start(pair.sink());
        start(pair.source());
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " | ");
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }
}
