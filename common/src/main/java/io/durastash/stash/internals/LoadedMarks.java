package io.durastash.stash.internals;

import io.durastash.stash.model.BatchMetadata;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the stash remembers of batch metadata so that a claim costs no read and no write of its own.
 *
 * <p>It keeps the metadata of the batches most recently appended or handed back, so the drain's claim finds them
 * without reading RocksDB and parsing JSON; a claim that misses reads them from the stash.
 *
 * <p>It also defers the {@code LOADED} marks of claimed batches: a mark is written with the next acknowledgement
 * once it is {@link #MARK_DELAY_MS} old, and not at all when the batch was acknowledged (deleted) before. A mark
 * lost in a crash leaves the batch {@code PENDING}, which is delivered again exactly like a {@code LOADED} one:
 * the durable mark is a record for operators (which batches were in flight, how often a batch was loaded), not
 * a condition of delivery. Thread-safe.
 */
public final class LoadedMarks {
    /** How old a claim gets before its LOADED mark is written. */
    public static final long MARK_DELAY_MS = 1_000;
    /** How many batches' metadata is kept for claims; beyond it, claims read the stash. */
    static final int KNOWN_BATCHES = 4_096;

    private final Map<Long, BatchMetadata> known = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, BatchMetadata> eldest) {
            return size() > KNOWN_BATCHES;
        }
    };
    private final TreeMap<Long, BatchMetadata> unwritten = new TreeMap<>();

    /** Remembers the metadata of a batch now pending (just appended, or handed back by a drainer). */
    synchronized void pending(BatchMetadata metadata) {
        known.put(metadata.id(), metadata);
    }

    /** Takes the remembered metadata of a pending batch that is being claimed; null when it is not known. */
    synchronized BatchMetadata takeKnown(long batchId) {
        return known.remove(batchId);
    }

    /** Notes a claim whose LOADED mark is not written yet (replacing an older unwritten mark of the batch). */
    synchronized void claimed(BatchMetadata marked) {
        unwritten.put(marked.id(), marked);
    }

    /**
     * Forgets the marks of {@code acknowledged} batches (they are being deleted) and takes the marks that are due:
     * claimed at least {@link #MARK_DELAY_MS} before {@code now}. The caller writes them in the same WriteBatch as
     * the deletes, and holds one lock across this call and that write so no mark is written after its batch's delete.
     */
    synchronized List<BatchMetadata> takeDue(Collection<Long> acknowledged, long now) {
        for (Long id : acknowledged) {
            unwritten.remove(id);
        }
        List<BatchMetadata> due = new ArrayList<>();
        for (Iterator<BatchMetadata> it = unwritten.values().iterator(); it.hasNext(); ) {
            BatchMetadata mark = it.next();
            if (mark.loadedAt() <= now - MARK_DELAY_MS) {
                due.add(mark);
                it.remove();
            }
        }
        return due;
    }

    /** Takes every unwritten mark, to write before the stash closes. */
    synchronized List<BatchMetadata> takeAll() {
        List<BatchMetadata> all = new ArrayList<>(unwritten.values());
        unwritten.clear();
        return all;
    }
}
