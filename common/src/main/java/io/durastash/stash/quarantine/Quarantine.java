package io.durastash.stash.quarantine;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.internals.BatchLog;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashDb;
import io.durastash.stash.internals.StashJson;
import io.durastash.stash.internals.StashKeys;
import io.durastash.stash.internals.StashWrite;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.QuarantinedEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What an operator can do with the entries set aside, because they failed their checksum or did not decode or because
 * the output refused them: list them, requeue what is intact again, purge them. Meant for the stash tool, on a stash
 * no worker has open.
 */
public final class Quarantine {
    private static final Logger log = LoggerFactory.getLogger(Quarantine.class);

    private final StashDb db;
    private final QuarantineStore store;
    private final BatchLog batchLog;
    /** Serialises repairs (requeue, purge) with each other. */
    private final Object repairLock = new Object();

    public Quarantine(StashDb db, QuarantineStore store, BatchLog batchLog) {
        this.db = db;
        this.store = store;
        this.batchLog = batchLog;
    }

    /** The entries set aside, in batch order. */
    public List<QuarantinedEntry> list() {
        return list(List.of());
    }

    /** The quarantined entries of the given original batches (all when empty), in batch order. */
    public List<QuarantinedEntry> list(Collection<Long> batchIds) {
        List<QuarantinedEntry> entries = new ArrayList<>();
        for (QuarantineStore.KeyedEntry keyed : store.entries(batchIds)) {
            entries.add(keyed.entry());
        }
        return entries;
    }

    /**
     * Re-checks the quarantined records of the given original batches (all when empty) and restores those that now
     * pass their checksum and decode (a record the output refused always does): per original batch, one new batch at
     * the end of the stash holding them in their original order, written in one write (delivered once synced) with the
     * removal of their quarantine entries (and of the batch's quarantined metadata, which the new batch's metadata
     * replaces). Records that still fail stay in quarantine. Restored records are delivered after everything already
     * stashed.
     *
     * @param dryRun only report what would be restored
     */
    public List<RequeueOutcome> requeue(Collection<Long> batchIds, boolean dryRun) {
        synchronized (repairLock) {
            List<QuarantineRequeue.Plan> plans = QuarantineRequeue.plan(store.entries(batchIds), this::liveGroup,
                new RecordCodec());
            List<QuarantineRequeue.Plan> restoring = new ArrayList<>();
            List<NewBatch> batches = new ArrayList<>();
            for (QuarantineRequeue.Plan plan : plans) {
                if (plan.restores()) {
                    restoring.add(plan);
                    batches.add(new NewBatch(plan.group, plan.records, true));
                }
            }
            List<BatchMetadata> created = List.of();
            if (!dryRun && !restoring.isEmpty()) {
                created = batchLog.append(batches, write -> {
                    for (QuarantineRequeue.Plan plan : restoring) {
                        store.deleteIn(write, plan.keysToRemove());
                    }
                }, false, true);
            }
            List<RequeueOutcome> outcomes = new ArrayList<>(plans.size());
            int next = 0;
            long removed = 0;
            long refusedRemoved = 0;
            for (QuarantineRequeue.Plan plan : plans) {
                BatchMetadata newBatch = plan.restores() && !dryRun ? created.get(next++) : null;
                outcomes.add(new RequeueOutcome(plan.originalBatchId, plan.records.size(), plan.stillDamaged,
                    plan.metadataKey != null, newBatch));
                if (newBatch != null) {
                    removed += plan.keysToRemove().size();
                    refusedRemoved += plan.refused;
                    log.info("Stash {}: requeued {} intact records quarantined from batch {} as batch {}; {} still damaged "
                        + "stay in quarantine", db.path(), plan.records.size(), plan.originalBatchId, newBatch.id(), plan.stillDamaged);
                }
            }
            store.removed(removed, refusedRemoved);
            return outcomes;
        }
    }

    /** The group of a batch still in the stash, or null when it is gone or its metadata is damaged. */
    private String liveGroup(long batchId) {
        byte[] bytes = db.get("read batch " + batchId, Family.META, StashKeys.batch(batchId));
        try {
            return bytes == null ? null : StashJson.readMetadata(batchId, bytes).group();
        } catch (CorruptEntryException e) {
            return null;
        }
    }

    /**
     * Deletes the quarantined entries of the given original batches (all when empty) for good, in one synced write.
     * Returns the entries deleted (or, in a dry run, that would be).
     */
    public List<QuarantinedEntry> purge(Collection<Long> batchIds, boolean dryRun) {
        synchronized (repairLock) {
            List<QuarantineStore.KeyedEntry> entries = store.entries(batchIds);
            List<QuarantinedEntry> purged = new ArrayList<>(entries.size());
            List<byte[]> keys = new ArrayList<>(entries.size());
            for (QuarantineStore.KeyedEntry keyed : entries) {
                purged.add(keyed.entry());
                keys.add(keyed.key());
            }
            if (dryRun || entries.isEmpty()) {
                return purged;
            }
            try (StashWrite write = db.newWrite()) {
                store.deleteIn(write, keys);
                db.write("purge quarantined entries", write, true);
            }
            store.removed(entries.size(), purged.stream().filter(QuarantinedEntry::refused).count());
            log.info("Stash {}: purged {} quarantined entries for good", db.path(), entries.size());
            return purged;
        }
    }
}
