package io.durastash.rest;

import io.durastash.connect.StashOwners;
import io.durastash.sink.placement.SinkGroup;
import io.durastash.sink.placement.SinkGroups;
import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.testing.ManualClock;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashHealthResourceTest {
    /** Another tenant's sink connector, whose consumer group the summary must not show. */
    private static final String SINK = "billing-sink";
    private static final String GROUP = "connect-" + SINK;

    @TempDir
    Path dir;
    private final StashRegistry registry = new StashRegistry();
    private final ManualClock clock = new ManualClock(1_000_000);

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> stashes(Map<String, Object> answer) {
        return (List<Map<String, Object>>) answer.get("stashes");
    }

    private StashHealthResource resource(Map<String, ?> workerConfig) {
        StashHealthExtension extension = new StashHealthExtension();
        extension.configure(workerConfig);
        return extension.resource(registry, SinkGroups.jvm());
    }

    /** Runs {@code check} while sink group {@value #GROUP} writes to {@code stash}, as a started sink task does. */
    private static void withSinkGroup(Stash stash, Runnable check) {
        Object task = new Object();
        SinkGroup group = SinkGroups.jvm().join(GROUP, stash, stash.ledger(SINK), false, false);
        try {
            check.run();
        } finally {
            SinkGroups.jvm().leave(group, task);
        }
    }

    @Test
    void aStashWithDataAndNoDrainerForAMinuteNeedsAttention() {
        StashHealthResource resource = new StashHealthResource(registry, SinkGroups.jvm(),
            StashHealth.NO_DRAINER_AFTER_MS, HealthDetail.SUMMARY);
        try (StashRegistry.Lease lease = registry.acquire(dir.resolve("stranded"), StashOptions.defaults().withClock(clock))) {
            new TestRecords().appendBatch(lease.stash(), "t", 0, 0, 3);
            Map<String, Object> fresh = stashes(resource.stashes()).get(0);
            assertEquals("OK", fresh.get("status"), "a minute's grace");
            assertEquals(3L, fresh.get("pendingRecords"));
            assertEquals(false, fresh.get("drainer"));

            clock.advance(StashHealth.NO_DRAINER_AFTER_MS);
            Map<String, Object> answer = resource.stashes();
            Map<String, Object> stranded = stashes(answer).get(0);

            assertEquals("ATTENTION", answer.get("status"));
            assertEquals("ATTENTION", stranded.get("status"));
            assertEquals(lease.stash().id().toString(), stranded.get("id"));
            assertEquals("stranded", stranded.get("name"));
            List<?> problems = (List<?>) stranded.get("problems");
            assertTrue(problems.get(0).toString().startsWith("NO_DRAINER"), problems.toString());

            Drainer drainer = lease.stash().drainer("source", 100, 0);
            drainer.activate(() -> null);
            assertEquals("OK", stashes(resource.stashes()).get(0).get("status"), "drained now");
            assertEquals(true, stashes(resource.stashes()).get(0).get("drainer"));
            drainer.stop();
        }
        List<Map<String, Object>> after = stashes(resource.stashes());
        assertEquals(1, after.size(), "let go while it holds records: left behind");
        assertEquals(false, after.get(0).get("open"));
        assertEquals("stranded", after.get(0).get("name"));
        assertEquals(3L, after.get(0).get("liveRecords"));
        assertEquals("OK", after.get(0).get("status"), "a minute for a task to take it up again");
    }

    @Test
    void byDefaultTheAnswerNamesEachStashWithoutItsPathFreeDiskOrConsumerGroup() {
        StashHealthResource resource = resource(Map.of());
        try (StashRegistry.Lease lease = registry.acquire(dir.resolve("orders"), StashOptions.defaults().withClock(clock))) {
            new TestRecords().appendBatch(lease.stash(), "t", 0, 0, 3);
            StashOwners.claim(lease.stash().path(), StashOwners.Role.SINK, "orders-sink");
            withSinkGroup(lease.stash(), () -> {
                Map<String, Object> answer = resource.stashes();
                Map<String, Object> orders = stashes(answer).get(0);

                assertEquals("summary", answer.get("detail"));
                assertEquals("orders", orders.get("name"));
                Map<String, String> owners = new java.util.HashMap<>();
                owners.put("sink", "orders-sink");
                owners.put("source", null);
                assertEquals(owners, orders.get("owners"), "the owners recorded so far");
                assertEquals(lease.stash().id().toString(), orders.get("id"));
                assertEquals("OK", orders.get("status"));
                assertEquals(3L, orders.get("pendingRecords"));
                assertEquals(true, orders.get("sink"), "a sink writes to it: " + orders);
                assertEquals(false, orders.get("drainer"));
                assertFalse(orders.containsKey("path"), orders.toString());
                assertFalse(orders.containsKey("freeDiskBytes"), orders.toString());
                assertFalse(orders.containsKey("sinkGroups"), orders.toString());
                assertFalse(answer.toString().contains(dir.toString()), "no path anywhere: " + answer);
                assertFalse(answer.toString().contains(GROUP), "no consumer group anywhere: " + answer);
            });
        }
    }

    @Test
    void theFullViewAlsoShowsThePathFreeDiskAndConsumerGroups() {
        StashHealthResource resource = resource(Map.of(StashHealthExtension.DETAIL_CONFIG, "full"));
        try (StashRegistry.Lease lease = registry.acquire(dir.resolve("orders"), StashOptions.defaults().withClock(clock))) {
            withSinkGroup(lease.stash(), () -> {
                Map<String, Object> answer = resource.stashes();
                Map<String, Object> orders = stashes(answer).get(0);

                assertEquals("full", answer.get("detail"));
                assertEquals("orders", orders.get("name"));
                assertEquals(lease.stash().path().toString(), orders.get("path"));
                assertTrue((Long) orders.get("freeDiskBytes") > 0, orders.toString());
                assertEquals(List.of(GROUP), orders.get("sinkGroups"));
                assertEquals(true, orders.get("sink"));
            });
        }
    }

    @Test
    void aSummarysProblemSaysStashWhereTheFixNeedsTheDirectoryAndTheFullViewGivesThePath() {
        // 0 ms: a stash let go while it holds records is NO_TASK at once; its fix names the directory to export.
        Map<String, Object> noTaskAtOnce = Map.of(StashHealthExtension.NO_DRAINER_AFTER_MS_CONFIG, "0");
        StashHealthResource summary = resource(noTaskAtOnce);
        StashHealthResource full = resource(Map.of(StashHealthExtension.NO_DRAINER_AFTER_MS_CONFIG, "0",
            StashHealthExtension.DETAIL_CONFIG, "full"));
        Path path;
        try (StashRegistry.Lease lease = registry.acquire(dir.resolve("orders"), StashOptions.defaults().withClock(clock))) {
            new TestRecords().appendBatch(lease.stash(), "t", 0, 0, 3);
            path = lease.stash().path();
        }

        Map<String, Object> left = stashes(summary.stashes()).get(0);
        String problem = ((List<?>) left.get("problems")).get(0).toString();
        assertTrue(problem.startsWith("NO_TASK"), problem);
        assertTrue(problem.contains("'durastash --dir <stash> export'"), problem);
        assertFalse(problem.contains(path.toString()), problem);
        assertEquals("orders", left.get("name"), "names the stash <stash> stands for");
        assertFalse(left.containsKey("path"), left.toString());

        Map<String, Object> leftInFull = stashes(full.stashes()).get(0);
        String problemInFull = ((List<?>) leftInFull.get("problems")).get(0).toString();
        assertTrue(problemInFull.contains("'durastash --dir " + path + " export'"), problemInFull);
        assertEquals(path.toString(), leftInFull.get("path"));
    }

    @Test
    void theDetailTakesSummaryOrFullInAnyCaseAndABadValueNamesTheKeyAndTheValues() {
        StashHealthExtension extension = new StashHealthExtension();
        extension.configure(Map.of(StashHealthExtension.DETAIL_CONFIG, " Full "));
        assertEquals("full", extension.resource(registry, SinkGroups.jvm()).stashes().get("detail"));
        extension.configure(Map.of(StashHealthExtension.DETAIL_CONFIG, "SUMMARY"));
        assertEquals("summary", extension.resource(registry, SinkGroups.jvm()).stashes().get("detail"));

        ConfigException bad = assertThrows(ConfigException.class,
            () -> extension.configure(Map.of(StashHealthExtension.DETAIL_CONFIG, "everything")));
        assertTrue(bad.getMessage().contains("durastash.health.detail"), bad.getMessage());
        assertTrue(bad.getMessage().contains("everything"), bad.getMessage());
        assertTrue(bad.getMessage().contains("'summary' or 'full'"), bad.getMessage());
    }

    @Test
    void theWorkerPropertySetsHowLongDataMayWaitAndABadValueIsNamed() {
        StashHealthExtension extension = new StashHealthExtension();
        extension.configure(Map.of(StashHealthExtension.NO_DRAINER_AFTER_MS_CONFIG, "5000"));
        ConfigException bad = assertThrows(ConfigException.class,
            () -> extension.configure(Map.of(StashHealthExtension.NO_DRAINER_AFTER_MS_CONFIG, "soon")));
        assertTrue(bad.getMessage().contains(StashHealthExtension.NO_DRAINER_AFTER_MS_CONFIG), bad.getMessage());
        assertThrows(ConfigException.class,
            () -> extension.configure(Map.of(StashHealthExtension.NO_DRAINER_AFTER_MS_CONFIG, "-1")));
    }
}
