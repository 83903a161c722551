package io.durastash.stash.internals;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchStatus;
import io.durastash.stash.model.StashException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * What a stash does as it opens: checks the format version (and records a newer one, unless the stash is opened
 * read-only), reads or creates its identity, and rebuilds the {@link DrainQueue} from {@code meta}, where every batch
 * on disk, LOADED or not, is deliverable again. The next batch id is set past every id ever stored, so ids are never
 * reused.
 */
public final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    /**
     * The format this DuraStash writes; it reads this one and every older one. 1: one {@code data} entry per record;
     * 2: records packed in blocks ({@link io.durastash.stash.codec.RecordBlock}); 3: the records of drained batches may
     * wait for the next reclaim ({@link DrainedRanges}), which an older DuraStash would take for batches to deliver.
     */
    public static final int FORMAT_VERSION = 3;

    private final StashDb db;
    private final DrainQueue queue;
    private final UndeliveredOffsets undelivered;
    private final Clock clock;

    private Recovery(StashDb db, DrainQueue queue, UndeliveredOffsets undelivered, Clock clock) {
        this.db = db;
        this.queue = queue;
        this.undelivered = undelivered;
        this.clock = clock;
    }

    /**
     * Recovers the stash in {@code db} into {@code queue} and {@code undelivered}; returns its identity.
     *
     * @param setAside where batches with damaged metadata go; null to leave them in place, unqueued (for inspection)
     */
    public static UUID run(StashDb db, DrainQueue queue, UndeliveredOffsets undelivered, RefetchRanges refetch,
                           BatchLog batchLog, SetAside setAside, Clock clock) {
        Recovery recovery = new Recovery(db, queue, undelivered, clock);
        UUID id = recovery.identity();
        refetch.load();
        recovery.queueBatches(setAside);
        byte[] reserved = db.get("read the batch id reservation", Family.DEFAULT, StashKeys.IDS_RESERVED);
        if (reserved != null) {
            // Past every id reserved before: after a clean close that is the next id; after a crash, the ids the lost
            // writes may have used are skipped, never handed out again.
            queue.startIdsAt(StashKeys.longValue(reserved));
            batchLog.reservedUpTo(StashKeys.longValue(reserved));
        }
        return id;
    }

    private UUID identity() {
        byte[] storedVersion = db.get("read the format version", Family.DEFAULT, StashKeys.FORMAT_VERSION);
        if (storedVersion != null) {
            int version = (int) StashKeys.longValue(storedVersion);
            if (version > FORMAT_VERSION) {
                throw new StashException("The stash at " + db.path() + " has format version " + version + " but this "
                    + "DuraStash reads version " + FORMAT_VERSION + ". Upgrade DuraStash to open it.");
            }
            if (version < FORMAT_VERSION && !db.readOnly()) {
                upgrade(version);
            }
        }
        byte[] storedId = db.get("read the stash identity", Family.DEFAULT, StashKeys.STASH_ID);
        if (storedId != null) {
            return UUID.fromString(new String(storedId, StandardCharsets.UTF_8));
        }
        UUID created = UUID.randomUUID();
        try (StashWrite write = db.newWrite()) {
            write.put(Family.DEFAULT, StashKeys.STASH_ID, created.toString().getBytes(StandardCharsets.UTF_8));
            write.put(Family.DEFAULT, StashKeys.FORMAT_VERSION, StashKeys.longValue(FORMAT_VERSION));
            db.write("create the stash identity", write, true);
        }
        return created;
    }

    /**
     * Records the format this DuraStash writes before it writes anything, so that an older DuraStash refuses the
     * stash instead of misreading it. What the older format wrote is read as it is.
     */
    private void upgrade(int version) {
        try (StashWrite write = db.newWrite()) {
            write.put(Family.DEFAULT, StashKeys.FORMAT_VERSION, StashKeys.longValue(FORMAT_VERSION));
            db.write("record format version " + FORMAT_VERSION, write, true);
        }
        log.info("Stash {}: format version {} upgraded to {}; the batches stored before are read as they are, new ones "
            + "are written in the new format. DuraStash releases before the upgrade cannot open this stash any more.",
            db.path(), version, FORMAT_VERSION);
    }

    private void queueBatches(SetAside setAside) {
        Map<Long, byte[]> entries = StoredBatches.find(db);
        long maxId = 0;
        long wasLoaded = 0;
        for (Map.Entry<Long, byte[]> entry : entries.entrySet()) {
            long batchId = entry.getKey();
            maxId = Math.max(maxId, batchId);
            BatchMetadata batch = parsed(batchId, entry.getValue(), setAside);
            if (batch != null) {
                queue.recovered(batch);
                undelivered.add(batch);
                wasLoaded += batch.status() == BatchStatus.LOADED ? 1 : 0;
            }
        }
        long maxDataId = lastDataBatchId();
        byte[] storedNext = db.get("read the next batch id", Family.DEFAULT, StashKeys.NEXT_BATCH_ID);
        queue.startIdsAt(Math.max(Math.max(maxId, maxDataId) + 1, storedNext == null ? 1 : StashKeys.longValue(storedNext)));
        if (wasLoaded > 0) {
            log.info("Stash {}: {} batches were loaded but never acknowledged before the last shutdown; they will be "
                + "delivered again", db.path(), wasLoaded);
        }
    }

    /**
     * The batch id of the last record in {@code data}, 0 when there is none, or when finding it runs into damage: a
     * damaged file stays live under the deletions of its batches until compaction drops it, and the search for the
     * last key reads through them. Ids then continue past the stored next id and the reservation, which every
     * append moves past its batches.
     */
    private long lastDataBatchId() {
        try {
            byte[] lastRecordKey = db.lastKey(Family.DATA);
            return lastRecordKey == null ? 0 : StashKeys.batchId(lastRecordKey);
        } catch (RuntimeException e) {
            if (!StashFailures.isCorruption(e)) {
                throw e;
            }
            log.warn("Stash {}: could not find the last record of the data column family past damage ({}); batch ids "
                + "continue past the stored next id and reservation. 'durastash verify' names the damaged files.",
                db.path(), e.getMessage());
            return 0;
        }
    }

    /** The metadata in {@code bytes}, or, when it is damaged or missing, the batch rebuilt from its records. */
    private BatchMetadata parsed(long batchId, byte[] bytes, SetAside setAside) {
        String damage;
        try {
            if (bytes != null) {
                return StashJson.readMetadata(batchId, bytes);
            }
            damage = "its metadata entry cannot be read";
        } catch (CorruptEntryException e) {
            damage = e.getMessage();
        }
        if (setAside == null) {
            log.warn("Stash {}: the metadata of batch {} is damaged ({}); left in place and not queued, since this "
                + "stash was opened for inspection", db.path(), batchId, damage);
            return null;
        }
        return MetadataRebuild.rebuild(db, setAside, clock, undelivered, batchId, bytes, damage);
    }
}
