package io.durastash.stash;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

/**
 * Entries that failed their checksum or did not decode, set aside in the {@code quarantine} column family
 * with the reason so that the rest of the stash keeps flowing; and what an operator can do with them
 * (list, requeue what is intact again, purge). Keys: a family byte ({@code m} metadata, {@code d} record)
 * and the original key.
 */
public final class Quarantine {
    private static final Logger log = LoggerFactory.getLogger(Quarantine.class);
    private static final byte META_ENTRY = 'm';
    private static final byte DATA_ENTRY = 'd';

    private final Stash stash;
    private final AtomicLong size = new AtomicLong();
    /** Serialises the tool's repairs (requeue, purge) with each other. */
    private final Object repairLock = new Object();

    Quarantine(Stash stash) {
        this.stash = stash;
    }

    /** How many entries are set aside. */
    long size() {
        return size.get();
    }

    void countOnOpen() {
        long count = 0;
        try (RocksIterator it = stash.database().newIterator(stash.family(Stash.QUARANTINE))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                count++;
            }
        }
        size.set(count);
        if (count > 0) {
            log.warn("Stash {} holds {} quarantined entries (damaged records or batch metadata, set aside and not "
                + "delivered). Inspect them with 'durastash --dir {} quarantine list' while no worker has the stash "
                + "open, then requeue what is intact again or purge them.", stash.path(), count, stash.path());
        }
    }

    /** Moves one damaged record into quarantine; called by readers. */
    void setAsideRecord(long batchId, int index, byte[] bytes, String reason) {
        byte[] key = StashKeys.record(batchId, index);
        QuarantinedEntry entry = new QuarantinedEntry(Stash.DATA, batchId, index, reason, stash.clock().millis(), bytes);
        try (WriteBatch write = new WriteBatch()) {
            write.put(stash.family(Stash.QUARANTINE), key(DATA_ENTRY, key), StashJson.write(entry));
            write.delete(stash.family(Stash.DATA), key);
            stash.database().write(stash.syncedWrites(), write);
        } catch (RocksDBException e) {
            throw stash.failure("quarantine record " + index + " of batch " + batchId, e);
        }
        size.incrementAndGet();
        log.error("Stash {}: record {} of batch {} is corrupt ({}); moved it to the quarantine column family and skipped it. "
            + "The rest of the stash keeps flowing. Inspect it with 'durastash --dir {} quarantine list' once no worker "
            + "has the stash open.", stash.path(), index, batchId, reason, stash.path());
    }

    /** Moves a batch whose metadata is damaged, with all its records, into quarantine. */
    void setAsideBatch(long batchId, byte[] metadataBytes, String reason) throws RocksDBException {
        long now = stash.clock().millis();
        int records = 0;
        try (WriteBatch write = new WriteBatch();
             Slice lower = new Slice(StashKeys.record(batchId, 0));
             Slice upper = new Slice(StashKeys.record(batchId + 1, 0));
             ReadOptions readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator it = stash.database().newIterator(stash.family(Stash.DATA), readOptions)) {
            write.put(stash.family(Stash.QUARANTINE), key(META_ENTRY, StashKeys.batch(batchId)),
                StashJson.write(new QuarantinedEntry(Stash.META, batchId, -1, reason, now, metadataBytes)));
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                write.put(stash.family(Stash.QUARANTINE), key(DATA_ENTRY, key), StashJson.write(new QuarantinedEntry(
                    Stash.DATA, batchId, StashKeys.recordIndex(key), "metadata of its batch is corrupt: " + reason, now, it.value())));
                records++;
            }
            it.status();
            write.deleteRange(stash.family(Stash.DATA), StashKeys.record(batchId, 0), StashKeys.record(batchId + 1, 0));
            write.delete(stash.family(Stash.META), StashKeys.batch(batchId));
            stash.database().write(stash.syncedWrites(), write);
        }
        size.addAndGet(1 + records);
        log.error("Stash {}: the metadata of batch {} is corrupt ({}); moved the batch and its {} records to the quarantine "
            + "column family. The rest of the stash keeps flowing. Once no worker has the stash open, 'durastash --dir {} "
            + "quarantine requeue {}' rebuilds a batch from its intact records.", stash.path(), batchId, reason, records, stash.path(), batchId);
    }

    private static byte[] key(byte family, byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = family;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }

    /** The entries set aside because they failed their checksum or did not decode, in batch order. */
    public List<QuarantinedEntry> list() {
        return list(List.of());
    }

    /** The quarantined entries of the given original batches (all when empty), in batch order. */
    public List<QuarantinedEntry> list(Collection<Long> batchIds) {
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            stash.ensureOpen();
            List<QuarantinedEntry> entries = new ArrayList<>();
            for (QuarantineRequeue.KeyedEntry keyed : entries(batchIds)) {
                entries.add(keyed.entry());
            }
            return entries;
        } catch (RocksDBException e) {
            throw stash.failure("read the quarantine", e);
        } finally {
            readLock.unlock();
        }
    }

    /** The family name of an entry whose quarantine record itself does not parse. */
    static final String UNREADABLE = "unreadable";

    /** Reads a quarantine entry; one that does not parse comes back as an {@link #UNREADABLE} entry named by its key. */
    static QuarantinedEntry readEntry(byte[] key, byte[] value) {
        try {
            return StashJson.readQuarantined(value);
        } catch (RuntimeException e) {
            long batchId = key.length >= 9 ? StashKeys.batchId(java.util.Arrays.copyOfRange(key, 1, 9)) : -1;
            int index = key.length == 13 ? StashKeys.recordIndex(java.util.Arrays.copyOfRange(key, 1, 13)) : -1;
            return new QuarantinedEntry(UNREADABLE, batchId, index, "quarantine entry does not parse: " + e.getMessage(), 0L, value);
        }
    }

    /** Quarantine entries with their keys, of the given original batches (all when empty), by batch and index. */
    private List<QuarantineRequeue.KeyedEntry> entries(Collection<Long> batchIds) throws RocksDBException {
        List<QuarantineRequeue.KeyedEntry> entries = new ArrayList<>();
        if (batchIds.isEmpty()) {
            try (RocksIterator it = stash.database().newIterator(stash.family(Stash.QUARANTINE))) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    entries.add(new QuarantineRequeue.KeyedEntry(it.key(), readEntry(it.key(), it.value())));
                }
                it.status();
            }
            // Keys put every record entry before every metadata entry; show them by batch, metadata first.
            entries.sort(java.util.Comparator.comparingLong((QuarantineRequeue.KeyedEntry k) -> k.entry().batchId())
                .thenComparingInt(k -> k.entry().index()));
            return entries;
        }
        for (long batchId : new java.util.TreeSet<>(batchIds)) {
            byte[] metaKey = key(META_ENTRY, StashKeys.batch(batchId));
            byte[] metaValue = stash.database().get(stash.family(Stash.QUARANTINE), metaKey);
            if (metaValue != null) {
                entries.add(new QuarantineRequeue.KeyedEntry(metaKey, readEntry(metaKey, metaValue)));
            }
            try (Slice lower = new Slice(key(DATA_ENTRY, StashKeys.record(batchId, 0)));
                 Slice upper = new Slice(key(DATA_ENTRY, StashKeys.record(batchId + 1, 0)));
                 ReadOptions readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
                 RocksIterator it = stash.database().newIterator(stash.family(Stash.QUARANTINE), readOptions)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    entries.add(new QuarantineRequeue.KeyedEntry(it.key(), readEntry(it.key(), it.value())));
                }
                it.status();
            }
        }
        return entries;
    }

    /**
     * Re-checks the quarantined records of the given original batches (all when empty) and restores those that now
     * pass their checksum and decode: per original batch, one new batch at the end of the stash holding them in
     * their original order, written in one synced WriteBatch with the removal of their quarantine entries (and of
     * the batch's quarantined metadata, which the new batch's metadata replaces). Records that still fail stay in
     * quarantine. Restored records are delivered after everything already stashed. Meant for the stash tool, on a
     * stash no worker has open.
     *
     * @param dryRun only report what would be restored
     */
    public List<RequeueOutcome> requeue(Collection<Long> batchIds, boolean dryRun) {
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            stash.ensureOpen();
            synchronized (repairLock) {
                List<QuarantineRequeue.Plan> plans = QuarantineRequeue.plan(entries(batchIds), this::liveGroup,
                    new RecordCodec());
                List<QuarantineRequeue.Plan> restoring = new ArrayList<>();
                List<BatchContent> contents = new ArrayList<>();
                for (QuarantineRequeue.Plan plan : plans) {
                    if (plan.restores()) {
                        restoring.add(plan);
                        contents.add(new BatchContent(plan.group, plan.records));
                    }
                }
                List<BatchMetadata> created = List.of();
                if (!dryRun && !restoring.isEmpty()) {
                    created = stash.append(contents, write -> {
                        for (QuarantineRequeue.Plan plan : restoring) {
                            for (byte[] key : plan.keysToRemove()) {
                                write.delete(stash.family(Stash.QUARANTINE), key);
                            }
                        }
                    }, false, true);
                }
                List<RequeueOutcome> outcomes = new ArrayList<>(plans.size());
                int next = 0;
                long removed = 0;
                for (QuarantineRequeue.Plan plan : plans) {
                    BatchMetadata newBatch = plan.restores() && !dryRun ? created.get(next++) : null;
                    outcomes.add(new RequeueOutcome(plan.originalBatchId, plan.records.size(), plan.stillDamaged,
                        plan.metadataKey != null, newBatch));
                    if (newBatch != null) {
                        removed += plan.keysToRemove().size();
                        log.info("Stash {}: requeued {} intact records quarantined from batch {} as batch {}; {} still damaged "
                            + "stay in quarantine", stash.path(), plan.records.size(), plan.originalBatchId, newBatch.id(), plan.stillDamaged);
                    }
                }
                size.addAndGet(-removed);
                return outcomes;
            }
        } catch (RocksDBException e) {
            throw stash.failure("requeue quarantined entries", e);
        } finally {
            readLock.unlock();
        }
    }

    /** The group of a batch still in the stash, or null when it is gone or its metadata is damaged. */
    private String liveGroup(long batchId) {
        try {
            byte[] bytes = stash.database().get(stash.family(Stash.META), StashKeys.batch(batchId));
            return bytes == null ? null : StashJson.readMetadata(bytes).group();
        } catch (RocksDBException | CorruptEntryException e) {
            return null;
        }
    }

    /**
     * Deletes the quarantined entries of the given original batches (all when empty) for good, in one synced write.
     * Returns the entries deleted (or, in a dry run, that would be).
     */
    public List<QuarantinedEntry> purge(Collection<Long> batchIds, boolean dryRun) {
        Lock readLock = stash.readLock();
        readLock.lock();
        try {
            stash.ensureOpen();
            synchronized (repairLock) {
                List<QuarantineRequeue.KeyedEntry> entries = entries(batchIds);
                List<QuarantinedEntry> purged = new ArrayList<>(entries.size());
                for (QuarantineRequeue.KeyedEntry keyed : entries) {
                    purged.add(keyed.entry());
                }
                if (dryRun || entries.isEmpty()) {
                    return purged;
                }
                try (WriteBatch write = new WriteBatch()) {
                    for (QuarantineRequeue.KeyedEntry keyed : entries) {
                        write.delete(stash.family(Stash.QUARANTINE), keyed.key());
                    }
                    stash.database().write(stash.syncedWrites(), write);
                }
                size.addAndGet(-entries.size());
                log.info("Stash {}: purged {} quarantined entries for good", stash.path(), entries.size());
                return purged;
            }
        } catch (RocksDBException e) {
            throw stash.failure("purge quarantined entries", e);
        } finally {
            readLock.unlock();
        }
    }
}
