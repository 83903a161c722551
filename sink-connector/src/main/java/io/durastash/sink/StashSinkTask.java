package io.durastash.sink;

import io.durastash.connect.DrainerWatch;
import io.durastash.connect.PluginMetricsGroup;
import io.durastash.connect.StashOwners;
import io.durastash.connect.SwitchedOff;
import io.durastash.sink.placement.DrainerAssignor;
import io.durastash.sink.placement.PartitionOwnership;
import io.durastash.sink.placement.SinkGroup;
import io.durastash.sink.placement.SinkGroups;
import io.durastash.stash.SinkLedger;
import io.durastash.stash.Stash;
import io.durastash.stash.StashRegistry;
import io.durastash.stash.Version;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashDisk;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashStats;
import io.durastash.stash.model.StashUnavailableException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Writes every poll into the stash as one atomic batch write, and commits only the input offsets its commit mode allows:
 * delivered ones, durable ones, or none (the deliveries commit them in their transactions). Tells the group's
 * {@link PartitionOwnership} which partitions it owns, so that the stash delivers nothing of a partition this worker
 * gave up. The logic lives in {@link StashWriter}, {@link InputOffsets}, {@link Takeover} and {@link Backpressure};
 * metrics in {@link SinkMetrics}.
 */
public class StashSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(StashSinkTask.class);

    /** While paused, how soon the worker should call put() again so the task sees the stash drain. */
    static final long BACKPRESSURE_RECHECK_MS = 500;
    /** How soon a poll the stash could not take (its disk full) is put again. */
    static final long UNAVAILABLE_RETRY_MS = 1_000;
    /** How long an offset commit waits for the records in flight of its partitions to be acknowledged. */
    static final long SETTLE_TIMEOUT_MS = 2_000;



    private StashSinkConfig config;
    private StashRegistry.Lease lease;
    private Stash stash;
    private SinkLedger ledger;
    private StashWriter writer;
    private InputOffsets offsets;
    private Backpressure backpressure;
    private DrainerWatch drainerWatch;
    private SinkGroup group;
    private SinkMetrics metrics;
    private long refetchVersion = -1;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new StashSinkConfig(props);
        String name = config.connectorName();
        if (name == null || name.isBlank()) {
            throw new ConnectException("The task config has no connector name ('name'), which owns the stashed offsets. "
                + "Start this task through StashSinkConnector. This task will be stopped.");
        }
        Path path = config.stashPath();
        // A StashException names the path and the fix; it fails the task as it is.
        lease = StashRegistry.jvm().acquire(path, config.stashOptions());
        try {
            stash = lease.stash();
            StashOwners.claim(path, StashOwners.Role.SINK, name);
            CommitMode mode = config.commitMode();
            ledger = stash.ledger(name);
            ledger.volume(config.volumeBytes());
            ledger.noteMode(mode.configValue());
            offsets = new InputOffsets(mode);
            backpressure = new Backpressure(path.toString(), config.maxBytes(), config.minFreeBytes(), config.resumePercent(),
                config.volumeBytes());
            drainerWatch = new DrainerWatch(path);
            group = SinkGroups.jvm().join(SinkGroups.groupIdOf(name, props), stash, ledger, mode.inputKeepsUndelivered(),
                mode == CommitMode.TRANSACTIONAL);
            writer = new StashWriter(stash, ledger, config.grouping(), config.sync(), offsets, errantRecordReporter(),
                group::input, this::opened);
            metrics = new SinkMetrics(PluginMetricsGroup.forTask(context, "Sink task of connector " + name), stash,
                backpressure, group);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        log.info("Sink task of connector {} started on stash {} at {} (group.by={}, stash.max.bytes={}, stash.sync={}, "
            + "input.commit={}{})", name, stash.id(), path, config.grouping(), config.maxBytes(), config.sync(),
            config.commitMode().configValue(), ledger.hasDrainer() ? "" : "; no source task on the stash in this worker yet");
        if (!group.guarded()) {
            log.warn("Sink task of connector {}: the input partitions are assigned without regard to where stashes are "
                + "drained{}. Set \"consumer.override.partition.assignment.strategy\": \"{}\" in the connector's "
                + "config.", name, config.commitMode() == CommitMode.TRANSACTIONAL
                    ? ", and no transaction can commit input offsets: nothing is delivered" : "",
                DrainerAssignor.class.getName());
        }
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            log.info("This Connect runtime predates errant record reporting (Kafka 2.6): unencodable records fail the task");
            return null;
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        PartitionOwnership ownership = group.ownership();
        if (ownership != null) {
            ownership.opening(partitions);
        }
        writer.open(partitions);
        refetchVersion = -1; // plan what the stash lost to damage for these partitions too
        apply(backpressure.reassigned(partitions));
        log.info("Opened partitions {}; last stashed offsets: {}", partitions, lastStashed(partitions));
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (writer == null) {
            return;
        }
        writer.close(partitions);
        PartitionOwnership ownership = group.ownership();
        if (ownership != null) {
            ownership.release(partitions);
        }
        log.info("Closed partitions {}", partitions);
    }

    /** The stash takes up the partitions just opened where {@code runs} say: the gate lets their records through. */
    private void opened(Map<TopicPartition, InputOffsets.Run> runs) {
        PartitionOwnership ownership = group.ownership();
        if (ownership != null) {
            runs.forEach((partition, run) -> ownership.own(partition, run.runStart(), run.floor()));
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        PartitionOwnership ownership = group.ownership();
        if (ownership != null) {
            ownership.unsettle();
        }
        StashStats stats = stash.stats();
        applyBackpressure(stats, records.isEmpty());
        long now = System.currentTimeMillis();
        drainerWatch.check(stats, now);
        group.check(ledger.hasDrainer(), !context.assignment().isEmpty(), now);
        group.paused(this, backpressure.paused(), backpressure.diskLow());
        if (!records.isEmpty()) {
            try {
                metrics.recordPoll(writer.write(records));
            } catch (StashUnavailableException e) {
                // Connect calls put() again with the same records; nothing of this poll was stashed.
                context.timeout(UNAVAILABLE_RETRY_MS);
                throw e;
            }
            applyBackpressure(stash.stats(), false);
        }
        metrics.recordWalSyncs(ledger.walSyncs());
        refetchDamage();
    }

    /**
     * Fetches again from the input topic what the stash lost to damage (its input offsets were not committed with
     * input.commit=delivered): sends the consumer back for the partitions this task holds, and reports what the input
     * topic no longer has. After the poll's records are stashed, so that the seek applies to the next poll.
     */
    private void refetchDamage() {
        for (OffsetRange lost : offsets.takeLost()) {
            metrics.recordLost(lost.last() - lost.first() + 1);
            log.error("Records of {}-{} at offsets {} to {} were lost to damage in stash {} and the input topic no longer "
                + "holds them (retention): they are not delivered. The quarantine ('durastash quarantine list') has what "
                + "was set aside.", lost.topic(), lost.partition(), lost.first(), lost.last(), stash.path());
        }
        for (OffsetRange done : offsets.takeRefetched()) {
            ledger.refetched(done);
        }
        long version = ledger.refetchVersion();
        if (version == refetchVersion) {
            return;
        }
        refetchVersion = version;
        for (TopicPartition partition : context.assignment()) {
            if (!offsets.tracks(partition)) {
                continue;
            }
            List<OffsetRange> ranges = ledger.refetch(partition);
            offsets.refetch(partition, ranges, ledger.restash(partition)).ifPresent(from -> {
                log.warn("Fetching records of {} again from offset {}: the stash lost {} to damage, and stashes the "
                    + "partition again from there so that its records stay in order", partition, from, ranges);
                context.offset(partition, from);
            });
        }
    }

    /** @param idle whether the poll brought nothing: a drained stash then gives back the space of a smaller amount */
    private void applyBackpressure(StashStats stats, boolean idle) {
        StashDisk files = stash.disk();
        Backpressure.Reading disk = new Backpressure.Reading(stats.liveBytes(), files.stashBytes(), files.freeBytes(),
            stats.drainerActive());
        apply(backpressure.check(disk, context.assignment()));
        if (backpressure.paused()) {
            // With every partition paused the consumer would wait a whole commit interval before calling put() again.
            context.timeout(BACKPRESSURE_RECHECK_MS);
        }
        // Below the free-disk floor, or with the files above the mark once the stash drained below it, nothing else gives
        // the space back: the pause would last forever. And RocksDB does not compact what a queue's range deletions
        // cover on its own: drained batches would keep their space.
        boolean due = backpressure.reclaimDue(disk);
        try {
            if (due) {
                ledger.reclaimDisk();
            } else {
                boolean drainedAndIdle = idle && stats.liveBytes() == 0;
                ledger.reclaimDrained(Backpressure.drainedBytesPerReclaim(config.maxBytes(), drainedAndIdle));
            }
        } catch (StashUnavailableException e) {
            log.debug("Stash {}: could not give back the space of drained batches yet: {}", stash.path(), e.getMessage());
        } catch (StashException e) {
            log.warn("Stash {}: could not give back the space of drained batches: {}", stash.path(), e.getMessage());
        }
    }

    private void apply(Backpressure.Decision decision) {
        if (!decision.pause().isEmpty()) {
            context.pause(decision.pause().toArray(new TopicPartition[0]));
        }
        if (!decision.resume().isEmpty()) {
            context.resume(decision.resume().toArray(new TopicPartition[0]));
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (stash == null) {
            return Map.of();
        }
        switch (offsets.mode()) {
            case TRANSACTIONAL:
                return Map.of(); // the deliveries commit the input offsets, in their transactions
            case STASHED:
                ledger.sync(); // what is committed must be durable: the sink's appends do not wait for the disk
                break;
            default:
                settle(currentOffsets.keySet());
        }
        return offsets.committable(currentOffsets, deliveries());
    }

    /**
     * Holds back further records of {@code partitions} until their records in flight are acknowledged, so that the
     * offsets committed now cover everything delivered: when the partitions then move to another worker (this commit
     * is the last before a revocation), nothing delivered from here is consumed again there.
     */
    private void settle(Collection<TopicPartition> partitions) {
        PartitionOwnership ownership = group.ownership();
        if (ownership == null || SwitchedOff.SETTLE.isOff()) {
            return;
        }
        try {
            if (!ownership.settle(partitions, SETTLE_TIMEOUT_MS)) {
                log.debug("Records of {} were still in flight after {} ms; the offsets committed now stay below them",
                    partitions, SETTLE_TIMEOUT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private InputOffsets.Deliveries deliveries() {
        PartitionOwnership ownership = group.ownership();
        return new InputOffsets.Deliveries() {
            @Override
            public OptionalLong firstInFlight(TopicPartition partition) {
                return ownership == null ? OptionalLong.empty() : ownership.firstInFlight(partition);
            }

            @Override
            public long nextToEmit(TopicPartition partition) {
                return ownership == null ? -1 : ownership.nextToEmit(partition);
            }

            @Override
            public OptionalLong firstHeld(TopicPartition partition, long from, long runStart) {
                return ledger.firstUndelivered(partition, from, runStart);
            }
        };
    }

    @Override
    public void stop() {
        StashRegistry.Lease held = lease;
        Stash released = stash;
        lease = null;
        stash = null;
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        if (group != null) {
            SinkGroups.jvm().leave(group, this);
            group = null;
        }
        if (held != null) {
            held.close();
            log.info("Sink task of connector {} stopped; released stash {} at {}", config.connectorName(),
                released == null ? null : released.id(), released == null ? null : released.path());
        }
    }

    private String lastStashed(Collection<TopicPartition> partitions) {
        StringBuilder sb = new StringBuilder("{");
        for (TopicPartition partition : partitions) {
            sb.append(sb.length() > 1 ? ", " : "").append(partition).append('=').append(offsets.lastStashed(partition));
        }
        return sb.append('}').toString();
    }
}
