package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.internals.StashJson;
import io.durastash.stash.internals.StoredBatches;
import io.durastash.stash.internals.SurvivingRecords;
import io.durastash.stash.internals.SurvivingRecords.Stored;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.SalvageReport;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Copies what can be read of a damaged stash into a new one: every batch it finds (through damaged metadata too, as
 * recovery finds them), in id order, with the records that pass their checksum and belong to their partition's current
 * run (a record of an earlier run would not be delivered from the old stash either); the sinks' stashed offsets, input
 * topic ids and commit modes; and the ranges to fetch again, with those of the records it could not copy, so that a
 * sink that still finds them in its input topic stashes them again. The old stash is only read. The new stash has an
 * identity of its own, so the source connector delivers all of it (a record already in Kafka may come again; none is
 * lost).
 */
public final class Salvage {
    private static final int BATCHES_PER_WRITE = 64;

    private final Stash from;
    private final Stash into;
    private final List<SalvageReport.Loss> losses = new ArrayList<>();
    private final List<NewBatch> unwritten = new ArrayList<>();
    /** Per partition, the first batch of its current run in the old stash, over every sink connector. */
    private final Map<TopicPartition, Long> runStarts = new HashMap<>();
    private long batches;
    private long records;
    private long recordBytes;

    private Salvage(Stash from, Stash into) {
        this.from = from;
        this.into = into;
    }

    /**
     * Salvages {@code from} into a new stash in {@code directory}, which must not exist or be empty.
     *
     * @throws StashException when {@code directory} holds anything, or the new stash cannot be written
     */
    public static SalvageReport run(Stash from, Path directory, StashOptions options) {
        Path target = directory.toAbsolutePath().normalize();
        if (target.equals(from.path())) {
            throw new StashException("Salvage writes a new stash: " + target + " is the stash being salvaged. Name an "
                + "empty or new directory.");
        }
        if (!isEmptyOrAbsent(target)) {
            throw new StashException("Salvage writes a new stash, and " + target + " is not empty. Name an empty or new "
                + "directory.");
        }
        try (Stash into = Stash.open(target, options)) {
            return new Salvage(from, into).copy();
        }
    }

    private static boolean isEmptyOrAbsent(Path directory) {
        if (!Files.exists(directory)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new StashException("Cannot read " + directory + ": " + e.getMessage(), e);
        }
    }

    private SalvageReport copy() {
        StashEngine old = from.engine();
        Set<String> sinks = new TreeSet<>(old.sinkOffsets().readAll().keySet());
        sinks.addAll(old.sinkOffsets().modes().keySet());
        for (String sink : sinks) {
            old.sinkOffsets().runStarts(sink).forEach((partition, first) -> runStarts.merge(partition, first, Math::max));
        }
        for (Map.Entry<Long, byte[]> entry : StoredBatches.find(old.db()).entrySet()) {
            copyBatch(old, entry.getKey(), entry.getValue());
        }
        writeBatches();
        old.sinkOffsets().readAll().forEach(into.engine().sinkOffsets()::reset);
        for (String sink : sinks) {
            into.ledger(sink).noteInputTopicIds(old.sinkOffsets().topicIds(sink));
        }
        old.sinkOffsets().modes().forEach((sink, mode) -> into.ledger(sink).noteMode(mode));
        List<OffsetRange> refetch = new ArrayList<>(old.refetch().all());
        losses.forEach(loss -> refetch.addAll(loss.offsets()));
        into.engine().refetch().add(refetch);
        into.engine().sync();
        return new SalvageReport(into.path(), into.id(), batches, records, recordBytes, List.copyOf(losses),
            into.engine().refetch().all(), old.quarantineStore().size());
    }

    private void copyBatch(StashEngine old, long batchId, byte[] metadataEntry) {
        BatchMetadata metadata = metadata(batchId, metadataEntry);
        List<Stored> stored = SurvivingRecords.read(old.db(), batchId,
            metadata == null ? SurvivingRecords.UNKNOWN_COUNT_REACH : metadata.recordCount());
        List<EncodedRecord> copied = new ArrayList<>(stored.size());
        int damaged = 0;
        int earlierRuns = 0;
        String reason = null;
        for (Stored s : stored) {
            if (s.record() == null) {
                damaged += s.through() - s.index() + 1;
                reason = reason == null ? "record " + s.index() + ": " + s.damage() : reason;
                continue;
            }
            TopicPartition partition = new TopicPartition(s.record().topic(), s.record().partition());
            if (batchId < runStarts.getOrDefault(partition, 0L) && (metadata == null || !metadata.requeued())) {
                earlierRuns++;
                continue;
            }
            copied.add(new EncodedRecord(partition, s.record().offset(), s.bytes()));
        }
        if (metadata != null && copied.size() + earlierRuns + damaged < metadata.recordCount()) {
            damaged = metadata.recordCount() - copied.size() - earlierRuns;
            reason = reason == null ? "records missing from the data column family" : reason;
        }
        if (damaged > 0 || metadata == null && copied.isEmpty() && earlierRuns == 0) {
            losses.add(new SalvageReport.Loss(batchId, damaged, reason == null ? "no record survives" : reason,
                metadata == null ? SurvivingRecords.offsets(stored) : metadata.offsets(), metadata == null));
        }
        if (!copied.isEmpty()) {
            String damagedGroup = metadataEntry == null ? null : StashJson.groupOf(metadataEntry);
            String group = metadata != null ? metadata.group() : damagedGroup == null ? "" : damagedGroup;
            unwritten.add(new NewBatch(group, copied, metadata != null && metadata.requeued()));
            batches++;
            records += copied.size();
            recordBytes += unwritten.get(unwritten.size() - 1).byteSize();
            if (unwritten.size() >= BATCHES_PER_WRITE) {
                writeBatches();
            }
        }
    }

    private static BatchMetadata metadata(long batchId, byte[] entry) {
        if (entry == null) {
            return null;
        }
        try {
            return StashJson.readMetadata(batchId, entry);
        } catch (CorruptEntryException e) {
            return null;
        }
    }

    private void writeBatches() {
        if (!unwritten.isEmpty()) {
            into.engine().append("", unwritten, Map.of(), false);
            unwritten.clear();
        }
    }
}
