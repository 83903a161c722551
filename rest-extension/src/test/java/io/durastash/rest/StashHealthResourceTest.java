package io.durastash.rest;

import io.durastash.sink.placement.SinkGroups;
import io.durastash.stash.Drainer;
import io.durastash.stash.StashLease;
import io.durastash.stash.StashOptions;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.testing.ManualClock;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashHealthResourceTest {
    @TempDir
    Path dir;
    private final StashRegistry registry = new StashRegistry();
    private final ManualClock clock = new ManualClock(1_000_000);

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> stashes(Map<String, Object> answer) {
        return (List<Map<String, Object>>) answer.get("stashes");
    }

    @Test
    void aStashWithDataAndNoDrainerForAMinuteNeedsAttention() {
        StashHealthResource resource = new StashHealthResource(registry, SinkGroups.jvm(), StashHealth.NO_DRAINER_AFTER_MS);
        try (StashLease lease = registry.acquire(dir.resolve("stranded"), StashOptions.defaults().withClock(clock))) {
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
        assertEquals(3L, after.get(0).get("liveRecords"));
        assertEquals("OK", after.get(0).get("status"), "a minute for a task to take it up again");
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
