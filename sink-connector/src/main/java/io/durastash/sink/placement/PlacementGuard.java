package io.durastash.sink.placement;

import java.util.Optional;

/**
 * Decides when the sink's consumer group should be assigned again because drainers came or went: Connect places
 * sink and source tasks without regard to each other, and the {@link DrainerAssignor} can only act at a rebalance,
 * which this worker can only force by taking every member out of the group (a rebalance in which every task loses its
 * partitions without a final commit). So it asks as seldom as it can: when this worker holds input partitions and has
 * had no drainer for {@link #GRACE_MS} while the last assignment went only to workers with one, and when this worker
 * has had a drainer for that long but the last assignment left it out. An assignment to every member (made while no
 * member had a drainer, as at a cold start, before the source tasks drain) is left alone while drainers come up: it is
 * right once every worker drains. Only a worker that still has none after {@link #EVERYONE_GRACE_MS} asks. At most
 * once per {@link #MIN_INTERVAL_MS}, so that a source task restarting in place, or a run of rebalances, costs no more
 * than one per interval. Thread-safe.
 */
final class PlacementGuard {
    /** How long a drainer may be gone (a source task restarting, moving) before the partitions should move. */
    static final long GRACE_MS = 10_000;
    /** The same after an assignment to every member: how long a cold start may take to bring the drainers up. */
    static final long EVERYONE_GRACE_MS = 60_000;
    /** The least time between two requests from this worker. */
    static final long MIN_INTERVAL_MS = 20_000;

    /** Why a new assignment is due. */
    enum Reason {
        NO_DRAINER_HERE("this worker holds input partitions but has had no drainer for its stash for a while"),
        DRAINER_HERE_NOW("this worker has a drainer now, and the last assignment left it out (it had none then)");

        final String description;

        Reason(String description) {
            this.description = description;
        }
    }

    private boolean assignedToEveryone;
    private boolean eligible = true;
    private long absentSince = -1;
    private long presentSince = -1;
    private long lastRequest = Long.MIN_VALUE / 2;

    /**
     * Notes a new assignment of the group: whether it went to every member for want of a drainer, and whether this
     * worker's member could take partitions in it.
     */
    synchronized void assigned(boolean toEveryone, boolean eligibleHere) {
        assignedToEveryone = toEveryone;
        eligible = eligibleHere || toEveryone;
    }

    /**
     * Looks at this worker's stash at {@code now}; returns the reason to ask for a new assignment, once it is due.
     *
     * @param drainer         whether a drainer drains the stash in this worker
     * @param holdsPartitions whether the calling sink task holds input partitions
     */
    synchronized Optional<Reason> check(boolean drainer, boolean holdsPartitions, long now) {
        Reason due = null;
        if (drainer) {
            absentSince = -1;
            presentSince = presentSince < 0 ? now : presentSince;
            if (!eligible && now - presentSince >= GRACE_MS) {
                due = Reason.DRAINER_HERE_NOW;
            }
        } else {
            presentSince = -1;
            absentSince = absentSince < 0 ? now : absentSince;
            long grace = assignedToEveryone ? EVERYONE_GRACE_MS : GRACE_MS;
            if (holdsPartitions && now - absentSince >= grace) {
                due = Reason.NO_DRAINER_HERE;
            }
        }
        if (due == null || now - lastRequest < MIN_INTERVAL_MS) {
            return Optional.empty();
        }
        lastRequest = now;
        return Optional.of(due);
    }
}
