package io.durastash.sink.placement;

import io.durastash.connect.StashInput;
import io.durastash.connect.StashInputs;
import io.durastash.connect.SwitchedOff;
import io.durastash.stash.SinkLedger;
import io.durastash.stash.Stash;
import io.durastash.stash.model.DeliveryGate;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sink connector's consumer group as this worker sees it: the stash its tasks here write to, the settings of
 * their consumers (captured by the {@link DrainerAssignor}; none when the assignor is not in use), which input
 * partitions they own ({@link PartitionOwnership}, the stash's delivery gate while the group's input keeps what is
 * undelivered), and the {@link PlacementGuard} that asks the group for a new assignment when drainers come and go.
 * Thread-safe.
 */
public final class SinkGroup {
    private static final Logger log = LoggerFactory.getLogger(SinkGroup.class);

    private final String groupId;
    private final RebalanceRequest rebalance;
    private final PlacementGuard guard = new PlacementGuard();
    private final AtomicLong requests = new AtomicLong();
    /** The backpressure of each task of the group here: paused, and whether for lack of disk. */
    private final Map<Object, boolean[]> pauses = new ConcurrentHashMap<>();
    private Map<String, Object> consumerConfig;
    private InputLookup input;
    private Stash stash;
    private SinkLedger ledger;
    private PartitionOwnership ownership;
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
        Map<String, Object> copy = new HashMap<>();
        config.forEach((key, value) -> {
            if (value != null) {
                copy.put(key, value);
            }
        });
        return copy;
    }

    private synchronized Map<String, Object> consumerConfig() {
        return consumerConfig == null ? Map.of() : consumerConfig;
    }

    /** Whether the sink tasks' consumers in this worker use the {@link DrainerAssignor}. */
    public synchronized boolean guarded() {
        return consumerConfig != null;
    }

    /**
     * Registers a started task that writes to {@code taskStash}. The first one makes the group speak for the stash:
     * with an input that keeps what is undelivered ({@code gated}), its partition ownership becomes the stash's
     * delivery gate and its {@link StashInput}.
     *
     * @throws IllegalStateException naming the other group, when another sink connector's group speaks for the stash
     */
    synchronized void attach(Stash taskStash, SinkLedger taskLedger, boolean gated, boolean transactional) {
        if (tasks == 0) {
            stash = taskStash;
            ledger = taskLedger;
            if (gated) {
                PartitionOwnership gate = new PartitionOwnership(groupId, transactional, Clock.systemUTC(),
                    taskLedger::startRuns, this::consumerConfig);
                StashInputs.jvm().register(taskStash.path(), gate).ifPresent(other -> {
                    throw new IllegalStateException("another sink connector's tasks in this worker write to stash "
                        + taskStash.path());
                });
                ownership = gate;
                if (SwitchedOff.GATE.isOff()) {
                    log.warn("Group {}: the delivery gate is switched off ({}): records leave stash {} whoever owns "
                        + "their partition", groupId, SwitchedOff.PROPERTY, taskStash.path());
                    taskLedger.gate(DeliveryGate.OPEN);
                } else {
                    taskLedger.gate(gate);
                }
            }
        }
        tasks++;
    }

    /** Returns whether no task of the group is left in this worker. */
    synchronized boolean detach(Object task) {
        pauses.remove(task);
        tasks--;
        if (tasks == 0) {
            if (ownership != null) {
                StashInputs.jvm().unregister(stash.path(), ownership);
                ledger.gate(null);
                ownership = null;
            }
            stash = null;
            ledger = null;
            if (input instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.debug("Group {}: closing its input lookup failed: {}", groupId, e.toString());
                }
            }
            input = null;
        }
        return tasks <= 0;
    }

    /**
     * What Kafka says of the group's input, read with the consumers' settings; {@link InputLookup#NONE} when the
     * assignor, which captures those settings, is not in use.
     */
    public synchronized InputLookup input() {
        if (input == null && consumerConfig != null) {
            input = new AdminInputLookup(groupId, consumerConfig);
        }
        return input == null ? InputLookup.NONE : input;
    }

    /** Uses {@code lookup} for what Kafka says of the group's input until the group's last task here stops (tests). */
    public synchronized void input(InputLookup lookup) {
        input = lookup;
    }

    synchronized DrainerPresence presence() {
        if (stash == null) {
            return DrainerPresence.UNKNOWN;
        }
        return ledger.hasDrainer() ? DrainerPresence.PRESENT : DrainerPresence.ABSENT;
    }

    /** A member of the group in this worker ({@code member}: its assignor) got its assignment. */
    void assigned(Object member, ConsumerGroupMetadata metadata, Collection<TopicPartition> partitions,
                  MemberData.Assignment data) {
        guard.assigned(data.toEveryone(), data.eligible());
        PartitionOwnership gate;
        synchronized (this) {
            gate = ownership;
        }
        if (gate != null) {
            gate.assigned(member, metadata, partitions, data.inWorker() == null ? null : new HashSet<>(data.inWorker()));
        }
    }

    /** The partition ownership of the group here; null while no task runs, or when the input is not gated. */
    public synchronized PartitionOwnership ownership() {
        return ownership;
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
            log.info("Group {}: asking for a new assignment: {}", groupId, reason.description);
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
