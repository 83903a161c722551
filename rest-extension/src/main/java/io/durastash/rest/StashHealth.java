package io.durastash.rest;

import io.durastash.connect.StashOwners;
import io.durastash.sink.placement.SinkGroup;
import io.durastash.stash.Stash;
import io.durastash.stash.model.LeftBehindStash;
import io.durastash.stash.model.StashDisk;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashStats;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of one stash open in this worker, as the REST extension reports it: what it holds, how far behind its
 * drain is, the connectors it belongs to, whether a drainer drains it and whether its sink is paused, its quarantine
 * and its disk; and the problems an operator should act on, each with the fix. The {@link HealthDetail} decides what of the stash's
 * location and its sinks' consumer groups is shown; fields that stay keep their names in both views.
 */
final class StashHealth {
    /** By default, how long data may wait with no drainer before it is a problem. */
    static final long NO_DRAINER_AFTER_MS = 60_000;

    private StashHealth() {
    }

    /** @param noDrainerAfterMs how long data may wait with no drainer before it is a problem */
    static Map<String, Object> of(Stash stash, List<SinkGroup> groups, long noDrainerAfterMs, HealthDetail detail) {
        StashStats stats = stash.stats();
        StashDisk disk = stash.disk();
        boolean paused = false;
        boolean diskLow = false;
        List<String> sinkGroups = new ArrayList<>();
        boolean guarded = false;
        for (SinkGroup group : groups) {
            if (group.stash() == stash) {
                sinkGroups.add(group.groupId());
                paused |= group.anyPaused();
                diskLow |= group.anyDiskLow();
                guarded |= group.guarded();
            }
        }
        List<String> problems = problems(stats, paused, diskLow, noDrainerAfterMs);
        boolean full = detail == HealthDetail.FULL;
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("id", stash.id().toString());
        health.put("name", name(stash.path()));
        if (full) {
            health.put("path", stash.path().toString());
        }
        health.put("owners", owners(stash.path()));
        health.put("status", problems.isEmpty() ? "OK" : "ATTENTION");
        health.put("problems", shown(problems, stash.path(), detail));
        health.put("pendingBatches", stats.pendingBatches());
        health.put("pendingRecords", stats.pendingRecords());
        health.put("pendingBytes", stats.pendingBytes());
        health.put("loadedBatches", stats.loadedBatches());
        health.put("liveBytes", stats.liveBytes());
        health.put("oldestPendingAgeMs", stats.oldestPendingAgeMs());
        health.put("drainer", stats.drainerActive());
        health.put("sink", !sinkGroups.isEmpty());
        health.put("paused", paused);
        health.put("diskLow", diskLow);
        health.put("quarantinedEntries", stats.quarantinedEntries());
        health.put("refusedRecords", stats.refusedEntries());
        health.put("diskBytes", disk.stashBytes());
        if (full) {
            health.put("freeDiskBytes", disk.freeBytes());
            health.put("sinkGroups", sinkGroups);
        }
        health.put("placementGuarded", guarded);
        return health;
    }

    /**
     * The health of a stash no task in this worker uses anymore, while it holds records: {@code NO_TASK} once it has
     * been so for {@code noTaskAfterMs}.
     */
    static Map<String, Object> of(LeftBehindStash stash, long noTaskAfterMs, HealthDetail detail) {
        long left = System.currentTimeMillis() - stash.since();
        List<String> problems = new ArrayList<>();
        if (left >= noTaskAfterMs) {
            problems.add("NO_TASK: the stash has held " + stash.records() + " records for " + left / 1000 + " s and no "
                + "DuraStash task in this worker uses it. " + stash.fix());
        }
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("id", stash.id().toString());
        health.put("name", name(stash.path()));
        if (detail == HealthDetail.FULL) {
            health.put("path", stash.path().toString());
        }
        health.put("status", problems.isEmpty() ? "OK" : "ATTENTION");
        health.put("problems", shown(problems, stash.path(), detail));
        health.put("open", false);
        health.put("liveRecords", stash.records());
        health.put("liveBytes", stash.bytes());
        health.put("leftForMs", left);
        return health;
    }

    /** The names of the sink and the source connector the stash belongs to ({@link StashOwners}), as far as recorded. */
    private static Map<String, String> owners(Path path) {
        Map<String, String> owners = new LinkedHashMap<>();
        try {
            StashOwners.Owners recorded = StashOwners.read(path);
            owners.put("sink", recorded.sink());
            owners.put("source", recorded.source());
        } catch (StashException e) {
            owners.put("error", e.getMessage());
        }
        return owners;
    }

    /** The stash's name: its directory's last element, {@code stash.name} for a connector's stash. */
    private static String name(Path path) {
        Path name = path.getFileName();
        return name == null ? "" : name.toString();
    }

    private static List<String> shown(List<String> problems, Path stash, HealthDetail detail) {
        List<String> shown = new ArrayList<>(problems.size());
        problems.forEach(problem -> shown.add(detail.problem(problem, stash)));
        return shown;
    }

    private static List<String> problems(StashStats stats, boolean paused, boolean diskLow, long noDrainerAfterMs) {
        List<String> problems = new ArrayList<>();
        if (stats.pendingWithoutDrainer() && stats.oldestPendingAgeMs() >= noDrainerAfterMs) {
            problems.add("NO_DRAINER: the stash has held data for " + stats.oldestPendingAgeMs() / 1000 + " s and no source "
                + "task in this worker drains it. Run the source connector with tasks.max at least the number of workers, "
                + "or restart its tasks; give the sink consumer.override.partition.assignment.strategy="
                + "io.durastash.sink.placement.DrainerAssignor.");
        }
        if (diskLow) {
            problems.add("DISK_LOW: the sink is paused because the stash's filesystem has less than stash.min.free.bytes "
                + "free. Free disk space or give the stash a larger volume.");
        } else if (paused) {
            problems.add("PAUSED: the sink is paused because the stash holds more than stash.max.bytes. Scale or fix the "
                + "source connector, or raise stash.max.bytes.");
        }
        if (stats.refusedEntries() > 0) {
            problems.add("REFUSED: the output refused " + stats.refusedEntries() + " records (too large for the output "
                + "topic, say); they are set aside whole and the records after them flow on. The source task's log names "
                + "each with the reason. Fix the cause, then, with the connectors stopped, send them again with "
                + "'durastash --dir <stash> quarantine requeue'.");
        }
        long damaged = stats.quarantinedEntries() - stats.refusedEntries();
        if (damaged > 0) {
            problems.add("QUARANTINE: " + damaged + " damaged entries are set aside. Inspect them with "
                + "'durastash --dir <stash> quarantine list' while no worker has the stash open.");
        }
        return problems;
    }
}
