package io.durastash.stash.quarantine;

import io.durastash.stash.codec.RecordBlock;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.FamilyCursor;
import io.durastash.stash.internals.RefetchRanges;
import io.durastash.stash.internals.SetAside;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.StashFailures;
import io.durastash.stash.internals.StashJson;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.internals.StashWrite;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.QuarantinedEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code quarantine} column family: damaged entries moved there with the reason and the input offsets to fetch
 * again, each in one synced write with its removal from {@code data} (a damaged record leaves an empty place in its
 * block, a block damaged part-way is cut off where the damage begins), and read back for the operator. Keys: a family
 * byte ({@code m} metadata, {@code d} record) and the original key. Thread-safe.
 */
public final class QuarantineStore implements SetAside {
    private static final Logger log = LoggerFactory.getLogger(QuarantineStore.class);
    private static final byte META_ENTRY = 'm';
    private static final byte DATA_ENTRY = 'd';
    private static final byte WAL_ENTRY = 'w';
    /** The family named by an entry that records damage found in the write-ahead log. */
    public static final String WAL = "wal";

    /** A quarantine entry with its key. */
    record KeyedEntry(byte[] key, QuarantinedEntry entry) {
    }

    private final StashDb db;
    private final Clock clock;
    private final RefetchRanges refetch;
    private final AtomicLong size = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** @param refetch where the input offsets of what is lost go, to be fetched again from the input topic */
    public QuarantineStore(StashDb db, Clock clock, RefetchRanges refetch) {
        this.db = db;
        this.clock = clock;
        this.refetch = refetch;
    }

    @Override
    public long size() {
        return size.get();
    }

    /** How many of the entries are records the output refused. */
    public long refusedSize() {
        return refused.get();
    }

    /** Counts the entries already set aside, and warns when there are any. */
    public void countOnOpen() {
        long[] count = {0, 0};
        try (FamilyCursor cursor = db.cursor(Family.QUARANTINE, null, null, false, 0)) {
            cursor.forEachRemaining((key, value) -> {
                count[0]++;
                if (readEntry(key, value).refused()) {
                    count[1]++;
                }
            });
        }
        size.set(count[0]);
        refused.set(count[1]);
        if (count[0] > 0) {
            log.warn("Stash {} holds {} quarantined entries ({} records the output refused, the rest damaged records or "
                + "batch metadata; set aside and not delivered). Inspect them with 'durastash --dir {} quarantine list' "
                + "while no worker has the stash open, then requeue what is intact again or purge them.", db.path(),
                count[0], count[1], db.path());
        }
    }

    /** Moves the record to the quarantine: out of its block, whose other records stay, or with its own entry. */
    @Override
    public void record(BatchMetadata batch, int index, byte[] bytes, String reason, List<OffsetRange> lost) {
        long batchId = batch.id();
        QuarantinedEntry entry = new QuarantinedEntry(Family.DATA.columnFamily(), batchId, index, reason, clock.millis(),
            bytes, 1, lost, batch.group());
        try (StashWrite write = db.newWrite()) {
            moveOut(write, batchId, index, entry);
            refetch.addTo(write, lost);
            db.write("quarantine record " + index + " of batch " + batchId, write, true);
        }
        refetch.added(lost);
        size.incrementAndGet();
        log.error("Stash {}: record {} of batch {} is corrupt ({}); moved it to the quarantine column family and skipped it. "
            + "The rest of the stash keeps flowing. Inspect it with 'durastash --dir {} quarantine list' once no worker "
            + "has the stash open.", db.path(), index, batchId, reason, db.path());
    }

    /**
     * Moves an intact record the output refuses to the quarantine, with the reason and its own input offset, in one
     * synced write: the batch's other records go on, and {@code quarantine requeue} sends it again once the cause is
     * fixed. Nothing is fetched again from the input: the record is here, whole.
     */
    public void refused(BatchMetadata batch, int index, byte[] bytes, String reason, OffsetRange input) {
        long batchId = batch.id();
        QuarantinedEntry entry = new QuarantinedEntry(Family.DATA.columnFamily(), batchId, index, reason, clock.millis(),
            bytes, 1, List.of(input), batch.group(), true);
        try (StashWrite write = db.newWrite()) {
            moveOut(write, batchId, index, entry);
            db.write("set aside refused record " + index + " of batch " + batchId, write, true);
        }
        size.incrementAndGet();
        refused.incrementAndGet();
        log.warn("Stash {}: the output refuses record {} of batch {} (input {}-{} offset {}): {}. It is set aside in the "
            + "quarantine, whole, and the records after it flow on. Fix the cause (for a record too large: raise the "
            + "output topic's max.message.bytes and the source connector's producer.override.max.request.size), then, "
            + "with the connectors stopped, send it again with 'durastash --dir {} quarantine requeue {}'.", db.path(),
            index, batchId, input.topic(), input.partition(), input.first(), reason, db.path(), batchId);
    }

    /** Puts {@code entry} in the quarantine and takes record {@code index} out of the data entry that holds it. */
    private void moveOut(StashWrite write, long batchId, int index, QuarantinedEntry entry) {
        write.put(Family.QUARANTINE, key(DATA_ENTRY, StashKeys.record(batchId, index)), StashJson.write(entry));
        DataEntry holding = holding(batchId, index);
        if (holding != null && RecordBlock.isSingleRecord(holding.value())) {
            if (holding.firstIndex() == index) {
                write.delete(Family.DATA, holding.key());
            }
        } else if (holding != null) {
            write.put(Family.DATA, holding.key(), RecordBlock.withoutRecord(holding.firstIndex(), holding.value(), index));
        }
    }

    @Override
    public void unreadable(BatchMetadata batch, int fromIndex, int toIndex, String reason, List<OffsetRange> lost) {
        long batchId = batch.id();
        QuarantinedEntry entry = new QuarantinedEntry(Family.DATA.columnFamily(), batchId, fromIndex,
            "cannot be read: " + reason, clock.millis(), null, toIndex - fromIndex, lost, batch.group());
        try (StashWrite write = db.newWrite()) {
            write.put(Family.QUARANTINE, key(DATA_ENTRY, StashKeys.record(batchId, fromIndex)), StashJson.write(entry));
            DataEntry holding = holding(batchId, fromIndex);
            if (holding != null && holding.firstIndex() < fromIndex
                && fromIndex < holding.firstIndex() + RecordBlock.recordCount(holding.value())) {
                // A block damaged part-way: its records before the stretch were read, and stay.
                write.put(Family.DATA, holding.key(), RecordBlock.truncated(holding.firstIndex(), holding.value(), fromIndex));
            }
            write.deleteRange(Family.DATA, StashKeys.record(batchId, fromIndex), StashKeys.record(batchId, toIndex));
            refetch.addTo(write, lost);
            db.write("set aside unreadable records of batch " + batchId, write, true);
        }
        refetch.added(lost);
        size.incrementAndGet();
        log.error("Stash {}: records {} to {} of batch {} cannot be read ({}); recorded in the quarantine column family "
            + "with the input offsets to fetch again ({}) and skipped. The rest of the stash keeps flowing. 'durastash --dir {} "
            + "verify' names the damaged files.", db.path(), fromIndex, toIndex - 1, batchId, reason, lost,
            db.path());
    }

    /** A data entry with its key. */
    private record DataEntry(byte[] key, byte[] value) {
        int firstIndex() {
            return StashKeys.recordIndex(key);
        }
    }

    /** The entry of batch {@code batchId} that holds record {@code index}; null when there is none or it is damaged. */
    private DataEntry holding(long batchId, int index) {
        DataEntry[] found = {null};
        try (FamilyCursor cursor = db.cursor(Family.DATA, StashKeys.record(batchId, 0), StashKeys.record(batchId, index + 1),
            false, 0)) {
            cursor.seekAtOrBefore(StashKeys.record(batchId, index));
            cursor.read(1, Long.MAX_VALUE, (key, value) -> found[0] = new DataEntry(key, value));
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            return null; // the entries of an unreadable stretch go by its range deletion alone
        }
        return found[0];
    }

    @Override
    public void metadata(long batchId, byte[] metadataBytes, String reason, List<OffsetRange> offsets) {
        QuarantinedEntry entry = new QuarantinedEntry(Family.META.columnFamily(), batchId, -1, reason, clock.millis(),
            metadataBytes, 0, offsets, metadataBytes == null ? null : StashJson.groupOf(metadataBytes));
        try (StashWrite write = db.newWrite()) {
            write.put(Family.QUARANTINE, key(META_ENTRY, StashKeys.batch(batchId)), StashJson.write(entry));
            db.write("quarantine the metadata of batch " + batchId, write, true);
        }
        size.incrementAndGet();
    }

    /** Records that the WAL was found damaged when the stash opened, and that writes after the damage were dropped. */
    public void walDamaged(String reason) {
        long now = clock.millis();
        QuarantinedEntry entry = new QuarantinedEntry(WAL, -1, -1, "the write-ahead log is damaged; writes after the "
            + "damage were dropped when the stash opened: " + reason, now, null, 0, List.of(), null);
        try (StashWrite write = db.newWrite()) {
            write.put(Family.QUARANTINE, key(WAL_ENTRY, StashKeys.longValue(now)), StashJson.write(entry));
            db.write("record the damage in the write-ahead log", write, true);
        }
        size.incrementAndGet();
    }

    private static byte[] key(byte family, byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = family;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }

    /** Reads a quarantine entry; one that does not parse comes back as an UNREADABLE entry named by its key. */
    static QuarantinedEntry readEntry(byte[] key, byte[] value) {
        try {
            return StashJson.read(value, QuarantinedEntry.class);
        } catch (RuntimeException e) {
            long batchId = key.length >= 9 ? StashKeys.batchId(Arrays.copyOfRange(key, 1, 9)) : -1;
            int index = key.length == 13 ? StashKeys.recordIndex(Arrays.copyOfRange(key, 1, 13)) : -1;
            return new QuarantinedEntry(QuarantinedEntry.UNREADABLE, batchId, index,
                "quarantine entry does not parse: " + e.getMessage(), 0L, value);
        }
    }

    /** Every entry, readable or not, in key order. */
    public List<QuarantinedEntry> all() {
        List<QuarantinedEntry> entries = new ArrayList<>();
        try (FamilyCursor cursor = db.cursor(Family.QUARANTINE, null, null, false, 0)) {
            cursor.forEachRemaining((key, value) -> entries.add(readEntry(key, value)));
        }
        return entries;
    }

    /** Quarantine entries with their keys, of the given original batches (all when empty), by batch and index. */
    List<KeyedEntry> entries(Collection<Long> batchIds) {
        List<KeyedEntry> entries = new ArrayList<>();
        if (batchIds.isEmpty()) {
            try (FamilyCursor cursor = db.cursor(Family.QUARANTINE, null, null, false, 0)) {
                cursor.forEachRemaining((key, value) -> entries.add(new KeyedEntry(key, readEntry(key, value))));
            }
            // Keys put every record entry before every metadata entry; show them by batch, metadata first.
            entries.sort(Comparator.comparingLong((KeyedEntry k) -> k.entry().batchId()).thenComparingInt(k -> k.entry().index()));
            return entries;
        }
        for (long batchId : new TreeSet<>(batchIds)) {
            byte[] metaKey = key(META_ENTRY, StashKeys.batch(batchId));
            byte[] metaValue = db.get("read the quarantine", Family.QUARANTINE, metaKey);
            if (metaValue != null) {
                entries.add(new KeyedEntry(metaKey, readEntry(metaKey, metaValue)));
            }
            try (FamilyCursor cursor = db.cursor(Family.QUARANTINE, key(DATA_ENTRY, StashKeys.record(batchId, 0)),
                key(DATA_ENTRY, StashKeys.record(batchId + 1, 0)), false, 0)) {
                cursor.forEachRemaining((key, value) -> entries.add(new KeyedEntry(key, readEntry(key, value))));
            }
        }
        return entries;
    }

    /** Adds the deletion of {@code entries} to {@code write}; call {@link #removed} once it is written. */
    void deleteIn(StashWrite write, Collection<byte[]> keys) {
        for (byte[] key : keys) {
            write.delete(Family.QUARANTINE, key);
        }
    }

    void removed(long count, long refusedCount) {
        size.addAndGet(-count);
        refused.addAndGet(-refusedCount);
    }
}
