package io.durastash.stash;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One sink connector's books in a stash, the sink's counterpart of a {@link Drainer}: what it stashed of each input
 * partition (the last offset handled, written in the same write as the records), where each partition's current
 * <em>run</em> begins (the partition's records in earlier batches were stashed under an earlier assignment and are not
 * delivered from here), the ids of the input topics, the input commit mode it writes in, and the input offsets the
 * stash lost to damage and wants fetched again. Obtained from {@link Stash#ledger(String)}. Thread-safe.
 */
public final class SinkLedger {
    private final Stash stash;
    private final String sink;

    SinkLedger(Stash stash, String sink) {
        this.stash = stash;
        this.sink = sink;
    }

    /** The sink connector whose books these are. */
    public String sinkName() {
        return sink;
    }

    /** The highest input offset stashed per partition: records up to it are redeliveries, not stashed twice. */
    public Map<TopicPartition, Long> stashedOffsets() {
        return stash.engine().sinkOffsets.read(sink);
    }

    /** The first batch id of each partition's current run; a partition not named runs from the stash's first batch. */
    public Map<TopicPartition, Long> runStarts() {
        return stash.engine().sinkOffsets.runStarts(sink);
    }

    /**
     * Starts a new run of each of {@code partitions} with the next batch and forgets what was stashed of them: records
     * stashed of them so far are not delivered from this stash, and their redeliveries are stashed again. Returns the
     * id of the run's first batch. Not synced: a power loss takes it back with every later write.
     */
    public long startRuns(Collection<TopicPartition> partitions) {
        StashEngine e = stash.engine();
        long first = e.queue.nextBatchId();
        StashUnavailableException.whenFull(() -> {
            e.sinkOffsets.startRuns(sink, partitions, first);
            return null;
        });
        return first;
    }

    /** The id of the input topic each partition's stashed offset belongs to, as this sink last noted it. */
    public Map<TopicPartition, String> inputTopicIds() {
        return stash.engine().sinkOffsets.topicIds(sink);
    }

    /** Notes the input topic ids of the named partitions (not synced: losing them costs a redundant re-stash). */
    public void noteInputTopicIds(Map<TopicPartition, String> ids) {
        StashEngine e = stash.engine();
        StashUnavailableException.whenFull(() -> {
            e.sinkOffsets.noteTopicIds(sink, ids);
            return null;
        });
    }

    /** The input commit mode this sink last wrote the stash in ({@code input.commit}); null when it never said. */
    public String mode() {
        return stash.engine().sinkOffsets.mode(sink);
    }

    /** Notes the input commit mode this sink writes in, for a drainer that finds no sink task beside it. */
    public void noteMode(String mode) {
        if (mode.equals(mode())) {
            return;
        }
        StashEngine e = stash.engine();
        StashUnavailableException.whenFull(() -> {
            e.sinkOffsets.noteMode(sink, mode);
            return null;
        });
    }

    /**
     * The lowest offset of {@code partition}, at {@code from} or later, that the stash may still hold undelivered in
     * batches from {@code runStart} on: every offset before it, from {@code from} on, was delivered or never stashed
     * here in this run. Empty when there is none. Costs no scan.
     */
    public OptionalLong firstUndelivered(TopicPartition partition, long from, long runStart) {
        return stash.engine().undelivered.firstAtOrAfter(partition, from, runStart);
    }

    /**
     * The input offsets of {@code partition} whose records the stash lost to damage, to fetch again from the input
     * topic; the delivered watermark stays below them until {@link #refetched}.
     */
    public List<OffsetRange> refetch(TopicPartition partition) {
        return stash.engine().refetch.of(partition);
    }

    /**
     * Starts stashing {@code partition} again where the stash lost records of it to damage, if it did since the last
     * call. Its records from the first lost offset on, in the batches stashed so far, are not delivered (the ones
     * fetched again would come after them, out of order); this sink's redeliveries of them are stashed again from the
     * next batch on. Returns that first lost offset, to send the consumer back to; empty when there is nothing to
     * stash again. Synced.
     */
    public OptionalLong restash(TopicPartition partition) {
        StashEngine e = stash.engine();
        return StashUnavailableException.whenFull(() ->
            e.refetch.restash(e.sinkOffsets, sink, partition, e.queue.nextBatchId()));
    }

    /** Changes whenever ranges to fetch again come or go. */
    public long refetchVersion() {
        return stash.engine().refetch.version();
    }

    /** Forgets a range to fetch again: its records are stashed again, or known lost. */
    public void refetched(OffsetRange range) {
        StashEngine e = stash.engine();
        StashUnavailableException.whenFull(() -> {
            e.refetch.done(range);
            return null;
        });
    }
}
