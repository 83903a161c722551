package io.durastash.stash;

import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.DeliveryGate;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.StashUnavailableException;
import io.durastash.stash.model.WalSyncTotals;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One sink connector's door to a stash and its books there, the sink's counterpart of a {@link Drainer}. Through it
 * the sink appends its polls as batches, syncs them, gives back the space of what was drained, says how large the
 * stash's volume is, and sets the {@link DeliveryGate} that decides which records may leave. Its books: what it stashed
 * of each input partition (the last offset handled, written in the same write as the records), where each partition's
 * current <em>run</em> begins (the partition's records in earlier batches were stashed under an earlier assignment and
 * are not delivered from here), the ids of the input topics, the input commit mode it writes in, and the input offsets
 * the stash lost to damage and wants fetched again. Obtained from {@link Stash#ledger(String)}. Thread-safe.
 *
 * <p>A write that finds no space throws a {@link StashUnavailableException}: retry later.
 */
public final class SinkLedger {
    private final StashCore core;
    private final String sink;

    SinkLedger(StashCore core, String sink) {
        this.core = core;
        this.sink = sink;
    }

    /** The sink connector whose books these are. */
    public String sinkName() {
        return sink;
    }

    /**
     * Stores a poll's records, one batch per non-empty {@link NewBatch} in list order (batch ids follow it), with
     * their PENDING metadata and this sink's new stashed offsets, in one write. Nothing partial is ever visible.
     *
     * @param batches        the batches; a group may appear more than once
     * @param stashedOffsets the highest input offset now handled per partition (may name partitions whose
     *                       records were not stashed, e.g. sent to a dead letter queue)
     * @param durableFirst   whether the batches are delivered only once durable: the append returns without waiting
     *                       for the disk, and the drainer's group commit syncs the WAL once for every append that
     *                       waits, after which their batches can be claimed
     * @return the metadata of the new batches
     */
    public List<BatchMetadata> append(List<NewBatch> batches, Map<TopicPartition, Long> stashedOffsets,
                                      boolean durableFirst) {
        return core.engine().append(sink, batches, stashedOffsets, durableFirst);
    }

    /** Syncs the WAL: everything appended so far is durable when this returns, and claimable unless held back. */
    public void sync() {
        core.engine().sync();
    }

    /** The WAL syncs of the stash's current handle, group commits and {@link #sync} calls alike. */
    public WalSyncTotals walSyncs() {
        return core.engineAsIs().walSync().totals();
    }

    /**
     * Gives back the disk space of drained batches now rather than at RocksDB's next compaction, which a queue's range
     * deletions do not trigger: writes the memtables to SST files (compressed; deleted records do not reach them),
     * after which RocksDB deletes the WAL files that held them; writes the deletions of the drained records that were
     * already in files, and flushes them to a file of their own (appends wait meanwhile; see {@code DrainedRanges});
     * and compacts the files of records and metadata below the oldest batch still stored, which drops the drained
     * batches and their deletions and leaves the backlog alone. Costs two flushes, and reading the compacted files.
     */
    public void reclaimDisk() {
        core.engine().reclaimDisk();
    }

    /**
     * {@link #reclaimDisk()} once the batches drained since the last reclaim held at least {@code everyBytes}; returns
     * whether it reclaimed.
     */
    public boolean reclaimDrained(long everyBytes) {
        StashEngine engine = core.engine();
        if (engine.queue().drainedBytes() < everyBytes) {
            return false;
        }
        engine.reclaimDisk();
        return true;
    }

    /**
     * Counts the stash's files against a volume of {@code bytes} ({@code stash.volume.bytes}; 0: its filesystem), in
     * {@link Stash#disk()}.
     */
    public void volume(long bytes) {
        core.volume(bytes);
    }

    /**
     * Sets who decides which records may leave the stash: the sink side, which knows which input partitions this
     * worker owns; null when the sink leaves, after which the stash is unclaimed again (records wait a minute for a
     * sink task, then go only where the input cannot give them again).
     */
    public void gate(DeliveryGate gate) {
        core.gate(gate);
    }

    /**
     * Whether a drainer of the stash is there and not stopped: draining, or standing by to take over. A source task
     * creates its drainer when it starts, before it first drains.
     */
    public boolean hasDrainer() {
        return core.hasDrainer();
    }

    /** The highest input offset stashed per partition: records up to it are redeliveries, not stashed twice. */
    public Map<TopicPartition, Long> stashedOffsets() {
        return core.engine().sinkOffsets().read(sink);
    }

    /** The first batch id of each partition's current run; a partition not named runs from the stash's first batch. */
    public Map<TopicPartition, Long> runStarts() {
        return core.engine().sinkOffsets().runStarts(sink);
    }

    /**
     * Starts a new run of each of {@code partitions} with the next batch and forgets what was stashed of them: records
     * stashed of them so far are not delivered from this stash, and their redeliveries are stashed again. Returns the
     * id of the run's first batch. Not synced: a power loss takes it back with every later write.
     */
    public long startRuns(Collection<TopicPartition> partitions) {
        return core.engine().startRuns(sink, partitions);
    }

    /** The id of the input topic each partition's stashed offset belongs to, as this sink last noted it. */
    public Map<TopicPartition, String> inputTopicIds() {
        return core.engine().sinkOffsets().topicIds(sink);
    }

    /** Notes the input topic ids of the named partitions (not synced: losing them costs a redundant re-stash). */
    public void noteInputTopicIds(Map<TopicPartition, String> ids) {
        core.engine().noteTopicIds(sink, ids);
    }

    /** The input commit mode this sink last wrote the stash in ({@code input.commit}); null when it never said. */
    public String mode() {
        return core.engine().sinkOffsets().mode(sink);
    }

    /** Notes the input commit mode this sink writes in, for a drainer that finds no sink task beside it. */
    public void noteMode(String mode) {
        if (!mode.equals(mode())) {
            core.engine().noteMode(sink, mode);
        }
    }

    /**
     * The lowest offset of {@code partition}, at {@code from} or later, that the stash may still hold undelivered in
     * batches from {@code runStart} on: every offset before it, from {@code from} on, was delivered or never stashed
     * here in this run. Empty when there is none. Costs no scan.
     */
    public OptionalLong firstUndelivered(TopicPartition partition, long from, long runStart) {
        return core.engine().undelivered().firstAtOrAfter(partition, from, runStart);
    }

    /**
     * The input offsets of {@code partition} whose records the stash lost to damage, to fetch again from the input
     * topic; the delivered watermark stays below them until {@link #refetched}.
     */
    public List<OffsetRange> refetch(TopicPartition partition) {
        return core.engine().refetch().of(partition);
    }

    /**
     * Starts stashing {@code partition} again where the stash lost records of it to damage, if it did since the last
     * call. Its records from the first lost offset on, in the batches stashed so far, are not delivered (the ones
     * fetched again would come after them, out of order); this sink's redeliveries of them are stashed again from the
     * next batch on. Returns that first lost offset, to send the consumer back to; empty when there is nothing to
     * stash again. Synced.
     */
    public OptionalLong restash(TopicPartition partition) {
        return core.engine().restash(sink, partition);
    }

    /** Changes whenever ranges to fetch again come or go. */
    public long refetchVersion() {
        return core.engine().refetch().version();
    }

    /** Forgets a range to fetch again: its records are stashed again, or known lost. */
    public void refetched(OffsetRange range) {
        core.engine().refetched(range);
    }
}
