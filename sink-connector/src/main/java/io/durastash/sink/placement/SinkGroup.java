package io.durastash.sink.placement;

import io.durastash.stash.Stash;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sink connector's consumer group as this worker sees it: the stash its tasks here write to, the settings of
 * their consumers (captured by the {@link DrainerAssignor}; none when the assignor is not in use), and the
 * {@link PlacementGuard} that asks the group for a new assignment when drainers come and go. Thread-safe.
 */
public final class SinkGroup {
    private final String groupId;
    private final RebalanceRequest rebalance;
    private final PlacementGuard guard = new PlacementGuard();
    private final AtomicLong requests = new AtomicLong();
    /** The backpressure of each task of the group here: paused, and whether for lack of disk. */
    private final Map<Object, boolean[]> pauses = new ConcurrentHashMap<>();
    private Map<String, Object> consumerConfig;
    private AdminInputLookup input;
    private Stash stash;
    private int tasks;

    SinkGroup(String groupId, RebalanceRequest rebalance) {
        this.groupId = groupId;
        this.rebalance = rebalance;
    }

    public String groupId() {
        return groupId;
    }

    synchronized void consumerConfig(Map<String, ?> config) {
        consumerConfig = Map.copyOf(withoutNulls(config));
    }

    private static Map<String, Object> withoutNulls(Map<String, ?> config) {
        Map<String, Object> copy = new java.util.HashMap<>();
        config.forEach((key, value) -> {
            if (value != null) {
                copy.put(key, value);
            }
        });
        return copy;
    }

    /** Whether the sink tasks' consumers in this worker use the {@link DrainerAssignor}. */
    public synchronized boolean guarded() {
        return consumerConfig != null;
    }

    synchronized void attach(Stash taskStash) {
        stash = taskStash;
        tasks++;
    }

    /** Returns whether no task of the group is left in this worker. */
    synchronized boolean detach(Object task) {
        pauses.remove(task);
        tasks--;
        if (tasks == 0) {
            stash = null;
            if (input != null) {
                input.close();
                input = null;
            }
        }
        return tasks <= 0;
    }

    /**
     * What Kafka says of the group's input, read with the consumers' settings; {@link InputLookup#NONE} when the
     * assignor, which captures those settings, is not in use.
     */
    public synchronized InputLookup input() {
        if (consumerConfig == null) {
            return InputLookup.NONE;
        }
        if (input == null) {
            input = new AdminInputLookup(groupId, consumerConfig);
        }
        return input;
    }

    synchronized DrainerPresence presence() {
        if (stash == null) {
            return DrainerPresence.UNKNOWN;
        }
        return stash.stats().drainerActive() ? DrainerPresence.PRESENT : DrainerPresence.ABSENT;
    }

    void assigned(boolean toEveryone, int members) {
        guard.assigned(toEveryone, members);
    }

    /**
     * Called by a sink task of the group now and then: asks the group for a new assignment when drainers came or went
     * (see {@link PlacementGuard}). Does nothing when the assignor is not in use.
     *
     * @param drainer         whether a drainer drains this worker's stash
     * @param holdsPartitions whether the calling task holds input partitions
     */
    public void check(boolean drainer, boolean holdsPartitions, long now) {
        Map<String, Object> config;
        synchronized (this) {
            config = consumerConfig;
        }
        if (config == null) {
            return;
        }
        guard.check(drainer, holdsPartitions, now).ifPresent(reason -> {
            requests.incrementAndGet();
            rebalance.request(groupId, config, reason.description);
        });
    }

    /** Notes whether {@code task}'s input partitions are paused by backpressure, and whether for lack of disk. */
    public void paused(Object task, boolean paused, boolean diskLow) {
        pauses.put(task, new boolean[] {paused, diskLow});
    }

    /** Whether a task of the group here has its input partitions paused by backpressure. */
    public boolean anyPaused() {
        return pauses.values().stream().anyMatch(p -> p[0]);
    }

    /** Whether a task of the group here is paused because the stash's filesystem has too little space free. */
    public boolean anyDiskLow() {
        return pauses.values().stream().anyMatch(p -> p[1]);
    }

    /** The stash the group's tasks here write to; null when none runs here. */
    public synchronized Stash stash() {
        return stash;
    }

    /** How many new assignments this worker asked the group for. */
    public long rebalanceRequests() {
        return requests.get();
    }
}
