package io.durastash.sink;

import io.durastash.stash.model.OffsetRange;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One input partition's records that the stash lost to damage and that this task fetches again from the input topic
 * (the stash has the partition stashed again from the first of them, {@link InputOffsets#refetch}). A range is done
 * once the task has stashed past its end; what will not arrive any more (the input topic no longer holds it) is lost.
 * Not thread-safe.
 */
final class RefetchPlan {
    /** A range of the stash's, and from where its records are still to come. */
    private static final class Pending {
        final OffsetRange range;
        long from;

        Pending(OffsetRange range) {
            this.range = range;
            this.from = range.first();
        }
    }

    private final List<Pending> pending = new ArrayList<>();
    private final List<OffsetRange> done = new ArrayList<>();
    private final List<OffsetRange> lost = new ArrayList<>();
    private boolean seeked;

    /**
     * Takes the stash's ranges for the partition.
     *
     * @param floor        where the partition stood when it was assigned (its committed offset), or -1
     * @param committedMeansDelivered whether what lies below the committed offset is in the output (commits on delivery)
     */
    void plan(List<OffsetRange> ranges, long floor, boolean committedMeansDelivered) {
        pending.clear();
        for (OffsetRange range : ranges) {
            if (committedMeansDelivered && floor >= 0 && range.last() < floor) {
                done.add(range); // committed since, so delivered by another stash
            } else {
                pending.add(new Pending(range));
            }
        }
    }

    /** Notes that the consumer was sent back to fetch the ranges again: what does not arrive then is lost. */
    void sentBack() {
        seeked = true;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * Notes the first record after the partition was assigned, or after the consumer was sent back: what lies before
     * it will not arrive. After a seek, that is lost (the input topic no longer holds it); after an assignment it
     * was committed, hence delivered by another stash when {@code committedMeansDelivered}, and lost otherwise.
     */
    void arrivedFirst(long offset, boolean afterAssignment, boolean committedMeansDelivered) {
        if (!afterAssignment && !seeked) {
            return;
        }
        boolean missingIsLost = seeked || !committedMeansDelivered;
        seeked = false;
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.from >= offset) {
                continue;
            }
            if (missingIsLost) {
                lost.add(new OffsetRange(p.range.topic(), p.range.partition(), p.from, Math.min(p.range.last(), offset - 1)));
            }
            p.from = offset;
            if (p.from > p.range.last()) {
                done.add(p.range);
                it.remove();
            }
        }
    }

    /** Notes that records up to {@code stashed} are stashed again: the ranges that end there are done. */
    void stashedUpTo(long stashed) {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.range.last() <= stashed) {
                done.add(p.range);
                it.remove();
            }
        }
    }

    /** The stash's ranges that need fetching no more, since the last call. */
    List<OffsetRange> takeDone() {
        List<OffsetRange> taken = List.copyOf(done);
        done.clear();
        return taken;
    }

    /** The offsets that will not arrive any more, since the last call. */
    List<OffsetRange> takeLost() {
        List<OffsetRange> taken = List.copyOf(lost);
        lost.clear();
        return taken;
    }
}
