package io.durastash.sink.placement;

import java.util.Optional;

/**
 * Decides when the sink's consumer group should be assigned again because drainers came or went: Connect places
 * sink and source tasks without regard to each other, and the {@link DrainerAssignor} can only act at a rebalance.
 * It asks for one when this worker has held input partitions with no drainer for {@link #GRACE_MS} while other
 * workers had one at the last assignment, and when this worker has had a drainer for that long while the last
 * assignment did not count it (it had none when it joined) or went to every member (more than one) because none had
 * one. At most once per {@link #MIN_INTERVAL_MS}, so that a source task restarting in place, or a run of rebalances,
 * costs no more than one per interval. Thread-safe.
 */
final class PlacementGuard {
    /** How long a drainer may be gone (a source task restarting, moving) before the partitions should move. */
    static final long GRACE_MS = 10_000;
    /** The least time between two requests from this worker. */
    static final long MIN_INTERVAL_MS = 20_000;

    /** Why a new assignment is due. */
    enum Reason {
        NO_DRAINER_HERE("this worker holds input partitions but has had no drainer for its stash for "
            + GRACE_MS / 1000 + " s, while other workers have one"),
        DRAINER_HERE_NOW("this worker has a drainer now, and the last assignment was made without it (it had none, "
            + "or no worker had one)");

        final String description;

        Reason(String description) {
            this.description = description;
        }
    }

    private boolean assignedToEveryone;
    private boolean eligible = true;
    private int members;
    private long absentSince = -1;
    private long presentSince = -1;
    private long lastRequest = Long.MIN_VALUE / 2;

    /**
     * Notes a new assignment of the group: whether it went to every member for want of a drainer, whether this worker's
     * member could take partitions in it, and how many members there were.
     */
    synchronized void assigned(boolean toEveryone, boolean eligibleHere, int memberCount) {
        assignedToEveryone = toEveryone;
        eligible = eligibleHere;
        members = memberCount;
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
            if ((!eligible || assignedToEveryone && members > 1) && now - presentSince >= GRACE_MS) {
                due = Reason.DRAINER_HERE_NOW;
            }
        } else {
            presentSince = -1;
            absentSince = absentSince < 0 ? now : absentSince;
            if (holdsPartitions && !assignedToEveryone && now - absentSince >= GRACE_MS) {
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
