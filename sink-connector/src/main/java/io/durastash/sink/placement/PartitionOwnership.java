package io.durastash.sink.placement;

import io.durastash.connect.StashInput;
import io.durastash.stash.model.DeliveryGate;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Which input partitions one sink connector's tasks own in this worker, and so which of the stash's records may
 * leave it: the stash's {@link DeliveryGate} when input offsets are committed only for delivered records.
 *
 * <p>A partition is <em>owned</em> from the moment a task here opens it (with the run its records belong to and the
 * committed offset below which everything is delivered) until the task closes it. It is <em>coming</em> while the
 * group's last assignment put it in this worker and no task has opened it yet, and after a task closed it until the
 * next assignment says where it goes (without the {@link DrainerAssignor}, which tells, a closed partition is elsewhere
 * at once). Otherwise it is <em>elsewhere</em>: its records here are superseded, and its run
 * ends first (through {@code runEnder}, before the first of them is dropped), so that a later assignment here starts a
 * new run instead of continuing one whose records are gone. Records of a partition that is coming, or whose task is
 * settling an offset commit, wait. Before the group's first assignment in this worker, every partition is coming for
 * {@link #FIRST_ASSIGNMENT_GRACE_MS}.
 *
 * <p>It is also the stash's {@link StashInput}: the owning member of each partition, for transactional commits, and
 * the records in flight per partition, for the offsets a task may commit. Thread-safe; its monitor is taken inside a
 * drainer's lock, and before the stash's.
 */
public final class PartitionOwnership implements DeliveryGate, StashInput {
    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);
    /** How long records wait for the group's first assignment in this worker before their partitions count as elsewhere. */
    static final long FIRST_ASSIGNMENT_GRACE_MS = 60_000;
    /**
     * How long records of settled partitions stay held after an offset commit took their offsets: long enough for the
     * revocation that may follow it at once, short enough not to slow the drain after a periodic commit.
     */
    static final long SETTLE_HOLD_MS = 50;

    /** What a task here owns of one partition. */
    private static final class Owned {
        final long runStart;
        long floor;
        /** Records wait until then: a task is committing the partition's offsets. */
        long settledUntil;

        Owned(long runStart, long floor) {
            this.runStart = runStart;
            this.floor = floor;
        }
    }

    /**
     * The records of one partition handed to Kafka and not acknowledged yet. They are handed out in offset order, so
     * they queue up in it; an acknowledgement that overtakes an older one waits in a set until the head is acknowledged.
     */
    private static final class InFlight {
        final ArrayDeque<Long> offsets = new ArrayDeque<>();
        final Set<Long> acknowledgedEarly = new HashSet<>();
        long lastEmitted = -1;

        void emitted(long offset) {
            offsets.addLast(offset);
            lastEmitted = Math.max(lastEmitted, offset);
        }

        /** Returns whether none is in flight any more. */
        boolean acknowledged(long offset) {
            Long head = offsets.peekFirst();
            if (head == null) {
                return true;
            }
            if (head != offset) {
                if (offset > head) {
                    acknowledgedEarly.add(offset);
                }
                return false;
            }
            offsets.pollFirst();
            while (!offsets.isEmpty() && acknowledgedEarly.remove(offsets.peekFirst())) {
                offsets.pollFirst();
            }
            if (offsets.isEmpty()) {
                acknowledgedEarly.clear();
            }
            return offsets.isEmpty();
        }

        OptionalLong first() {
            return offsets.isEmpty() ? OptionalLong.empty() : OptionalLong.of(offsets.peekFirst());
        }
    }

    private final String groupId;
    private final boolean transactional;
    private final Clock clock;
    private final Consumer<Collection<TopicPartition>> runEnder;
    private final Supplier<Map<String, Object>> clientConfig;
    private final long since;
    private final Map<TopicPartition, Owned> owned = new HashMap<>();
    private final Set<TopicPartition> closed = new HashSet<>();
    /** Closed here while no assignment says where partitions go: elsewhere, grace or not. */
    private final Set<TopicPartition> gone = new HashSet<>();
    private final Set<TopicPartition> ended = new HashSet<>();
    private final Map<TopicPartition, InFlight> inFlight = new HashMap<>();
    private final Map<TopicPartition, Object> ownerMembers = new HashMap<>();
    private final Map<Object, ConsumerGroupMetadata> members = new HashMap<>();
    /** Members under which the group refused a commit: their partitions wait for their next assignment. */
    private final Set<ConsumerGroupMetadata> refused = new HashSet<>();
    /** The partitions the group's last assignment put in this worker; null until one did. */
    private Set<TopicPartition> here;
    /** Counts the changes that may turn a delivered partition's records away: see {@link DeliveryGate#version()}. */
    private volatile long version;

    /**
     * @param runEnder     ends the runs of partitions found elsewhere, in the stash's ledger
     * @param clientConfig the sink consumers' settings, for {@link #clientConfig()}
     */
    PartitionOwnership(String groupId, boolean transactional, Clock clock, Consumer<Collection<TopicPartition>> runEnder,
                       Supplier<Map<String, Object>> clientConfig) {
        this.groupId = groupId;
        this.transactional = transactional;
        this.clock = clock;
        this.runEnder = runEnder;
        this.clientConfig = clientConfig;
        this.since = clock.millis();
    }

    /**
     * A member of the group in this worker was assigned {@code partitions} under {@code metadata}; {@code here}, when
     * known, is every partition the assignment put in this worker, whichever member here got it.
     */
    synchronized void assigned(Object member, ConsumerGroupMetadata metadata, Collection<TopicPartition> partitions,
                               Set<TopicPartition> here) {
        version++;
        members.put(member, metadata);
        refused.retainAll(members.values());
        refused.remove(metadata);
        ownerMembers.values().removeIf(owner -> owner == member);
        for (TopicPartition partition : partitions) {
            ownerMembers.put(partition, member);
        }
        if (here != null) {
            this.here = Set.copyOf(here);
            closed.removeIf(partition -> !this.here.contains(partition));
            ended.removeAll(this.here);
        }
    }

    /** A task here is about to open {@code partitions}: their records wait until it says what it owns of them. */
    public synchronized void opening(Collection<TopicPartition> partitions) {
        version++;
        closed.addAll(partitions);
        partitions.forEach(owned::remove);
    }

    /** A task here owns {@code partition}: records of batches from {@code runStart}, at offsets from {@code floor}. */
    public synchronized void own(TopicPartition partition, long runStart, long floor) {
        version++;
        owned.put(partition, new Owned(runStart, floor));
        InFlight f = inFlight.get(partition);
        if (f != null) {
            f.lastEmitted = -1; // the run's records are handed out from its start
        }
        closed.remove(partition);
        ended.remove(partition);
    }

    /** A task here closed {@code partitions}: they wait for the next assignment, unless the last one sent them away. */
    public synchronized void release(Collection<TopicPartition> partitions) {
        version++;
        for (TopicPartition partition : partitions) {
            owned.remove(partition);
            if (here != null && here.contains(partition)) {
                closed.add(partition);
            } else {
                closed.remove(partition);
                if (here == null) {
                    gone.add(partition);
                }
            }
        }
    }

    @Override
    public synchronized Verdict verdict(TopicPartition partition, long batchId, long offset) {
        Owned o = owned.get(partition);
        if (o != null) {
            if (o.settledUntil > clock.millis() || transactional && !committable(ownerOf(partition))) {
                return Verdict.WAIT;
            }
            return batchId < o.runStart || offset < o.floor ? Verdict.SUPERSEDED : Verdict.DELIVER;
        }
        if (closed.contains(partition) || here != null && here.contains(partition)
            || here == null && !gone.contains(partition) && clock.millis() - since < FIRST_ASSIGNMENT_GRACE_MS) {
            return Verdict.WAIT;
        }
        if (!ended.contains(partition)) {
            try {
                runEnder.accept(List.of(partition));
            } catch (RuntimeException e) {
                log.debug("Group {}: could not end the run of {} in the stash yet: {}", groupId, partition, e.toString());
                return Verdict.WAIT;
            }
            ended.add(partition);
            log.info("Group {}: input partition {} is consumed by another worker now; the records this stash holds of "
                + "it are not delivered from here (its owner consumes them again)", groupId, partition);
        }
        return Verdict.SUPERSEDED;
    }

    /**
     * Holds back further records of {@code partitions} and waits up to {@code timeoutMs} until none of theirs is in
     * flight, so that an offset committed now covers everything delivered. Returns whether none is.
     */
    public synchronized boolean settle(Collection<TopicPartition> partitions, long timeoutMs) throws InterruptedException {
        hold(partitions, Long.MAX_VALUE);
        long deadline = clock.millis() + timeoutMs;
        try {
            while (anyInFlight(partitions)) {
                long left = deadline - clock.millis();
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        } finally {
            hold(partitions, clock.millis() + SETTLE_HOLD_MS);
        }
    }

    private void hold(Collection<TopicPartition> partitions, long until) {
        version++;
        for (TopicPartition partition : partitions) {
            Owned o = owned.get(partition);
            if (o != null) {
                o.settledUntil = until;
            }
        }
    }

    private boolean anyInFlight(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            InFlight f = inFlight.get(partition);
            if (f != null && !f.offsets.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Lets records of every partition flow again after {@link #settle}, without waiting for the hold to end. */
    public synchronized void unsettle() {
        for (Owned o : owned.values()) {
            if (o.settledUntil != 0) {
                o.settledUntil = 0;
                version++;
            }
        }
    }

    /** The lowest offset of {@code partition} in flight, if any. */
    public synchronized OptionalLong firstInFlight(TopicPartition partition) {
        InFlight f = inFlight.get(partition);
        return f == null ? OptionalLong.empty() : f.first();
    }

    /** The offset after the last record of {@code partition} handed to Kafka from this stash; -1 when none was. */
    public synchronized long nextToEmit(TopicPartition partition) {
        InFlight f = inFlight.get(partition);
        return f == null || f.lastEmitted < 0 ? -1 : f.lastEmitted + 1;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean transactional() {
        return transactional;
    }

    @Override
    public synchronized ConsumerGroupMetadata owner(TopicPartition partition) {
        return owned.containsKey(partition) || closed.contains(partition) ? ownerOf(partition) : null;
    }

    private boolean committable(ConsumerGroupMetadata owner) {
        return owner != null && !refused.contains(owner);
    }

    @Override
    public synchronized void refused(ConsumerGroupMetadata owner) {
        version++;
        refused.add(owner);
    }

    private ConsumerGroupMetadata ownerOf(TopicPartition partition) {
        Object member = ownerMembers.get(partition);
        return member == null ? null : members.get(member);
    }

    @Override
    public Map<String, Object> clientConfig() {
        return clientConfig.get();
    }

    @Override
    public synchronized void emitted(TopicPartition partition, long offset) {
        inFlight.computeIfAbsent(partition, p -> new InFlight()).emitted(offset);
    }

    @Override
    public synchronized void acknowledged(TopicPartition partition, long offset) {
        InFlight f = inFlight.get(partition);
        if (f != null && f.acknowledged(offset)) {
            notifyAll();
        }
    }

    @Override
    public synchronized void delivered(Map<TopicPartition, Long> next) {
        version++;
        next.forEach((partition, offset) -> {
            Owned o = owned.get(partition);
            if (o != null) {
                o.floor = Math.max(o.floor, offset);
            }
        });
    }
}
