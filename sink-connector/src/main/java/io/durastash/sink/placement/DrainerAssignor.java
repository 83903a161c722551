package io.durastash.sink.placement;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The consumer partition assignor of the sink connector's tasks. It gives input partitions only to the tasks whose
 * worker runs a drainer for their stash, so that no worker stashes records that nothing there delivers; among those
 * it balances them and keeps each where it was when it can (sticky), so that a rebalance moves only what must move.
 * When no member has a drainer (the source connector is stopped, or not placed yet), it assigns to all of them and says
 * so, so that a worker that gains a drainer asks for a new assignment ({@link PlacementGuard}).
 *
 * <p>It uses the eager rebalance protocol on purpose: every member gives up its partitions, and commits their offsets,
 * before it rejoins, while its generation is still valid. With the cooperative protocol a member that stops while it
 * rejoins (a rolling restart) cannot commit at all (the group is not stable), and what it delivered since its last
 * commit is consumed again elsewhere. A partition that stays with its worker is taken up where its run stands
 * ({@code Takeover}), so an eager rebalance costs a pause, not a re-consumption. Every assignment also tells each member
 * which partitions went to any member of its worker, which is how a worker learns that a partition it gave up went
 * elsewhere ({@link PartitionOwnership}).
 *
 * <p>Enable it with {@code "consumer.override.partition.assignment.strategy": "io.durastash.sink.placement.DrainerAssignor"}
 * in the sink connector's config (the connector refuses a config without it). It needs the classic consumer group
 * protocol, Connect's default. Loaded by the plugin's class loader, it sees the plugin's JVM-wide {@link SinkGroups}.
 */
public final class DrainerAssignor implements ConsumerPartitionAssignor, Configurable {
    private static final Logger log = LoggerFactory.getLogger(DrainerAssignor.class);
    public static final String NAME = "durastash-drainer";

    /** Connect's default {@code task.shutdown.graceful.timeout.ms}: it gives up on a task that takes longer to stop. */
    static final long CONNECT_GRACEFUL_STOP_MS = 5_000;
    /**
     * How long a member's first join waits for a source task of its stash to start in its worker (Connect starts the
     * sink's and the source's tasks independently): then the group's first assignment counts this worker, instead of
     * a later one, forced by taking every partition from every task. Nothing interrupts the wait (it runs inside the
     * consumer's poll, which Connect's stop only wakes up), so it stays below Connect's graceful stop: a task stopped
     * while it waits (a rebalance that moves it, a config update) still stops in time, instead of being given up on
     * and started again beside its still running instance.
     */
    static final long FIRST_JOIN_WAIT_MS = CONNECT_GRACEFUL_STOP_MS - 1_000;

    private String groupId;
    /** What this member was assigned last, for stickiness across eager rebalances. */
    private volatile List<TopicPartition> previous = List.of();
    /** Whether this member waited for a drainer already: a join asked to rejoin (its member id) must not wait again. */
    private volatile boolean waited;

    @Override
    public void configure(Map<String, ?> configs) {
        Object group = configs.get(ConsumerConfig.GROUP_ID_CONFIG);
        groupId = group == null ? null : group.toString();
        if (groupId != null) {
            SinkGroups.jvm().group(groupId).consumerConfig(configs);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        if (!waited && SinkGroups.jvm().presence(groupId) == DrainerPresence.ABSENT) {
            awaitDrainer();
            waited = true;
        }
        return new MemberData.Subscription(SinkGroups.jvm().presence(groupId), SinkGroups.WORKER, previous).encode();
    }

    /**
     * Before this member first joins (inside its consumer's first poll, before the group knows it), waits once up to
     * {@link #FIRST_JOIN_WAIT_MS} for the worker's stash to have a drainer, when it has a sink task here but no drainer
     * yet.
     */
    private void awaitDrainer() {
        long deadline = System.nanoTime() + FIRST_JOIN_WAIT_MS * 1_000_000;
        try {
            while (SinkGroups.jvm().presence(groupId) == DrainerPresence.ABSENT && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> subscriptions = groupSubscription.groupSubscription();
        Map<String, MemberData.Subscription> members = new HashMap<>();
        Set<String> eligible = new TreeSet<>();
        boolean anyDrainer = false;
        for (Map.Entry<String, Subscription> member : subscriptions.entrySet()) {
            MemberData.Subscription data = MemberData.Subscription.decode(member.getValue().userData());
            members.put(member.getKey(), data);
            if (data.presence() != DrainerPresence.ABSENT) {
                eligible.add(member.getKey());
            }
            anyDrainer |= data.presence() == DrainerPresence.PRESENT;
        }
        boolean everyone = !anyDrainer;
        if (everyone) {
            eligible.addAll(subscriptions.keySet());
        }
        List<TopicPartition> partitions = partitions(metadata, subscriptions);
        Map<String, List<TopicPartition>> owned = owned(subscriptions, members, partitions);
        Map<String, List<TopicPartition>> target = sticky(partitions, eligible, owned);
        Map<UUID, List<TopicPartition>> byWorker = new HashMap<>();
        target.forEach((member, assigned) ->
            byWorker.computeIfAbsent(members.get(member).worker(), w -> new ArrayList<>()).addAll(assigned));
        Map<String, Assignment> assignments = new LinkedHashMap<>();
        for (String member : new TreeSet<>(subscriptions.keySet())) {
            List<TopicPartition> assigned = target.getOrDefault(member, List.of());
            MemberData.Assignment data = new MemberData.Assignment(everyone, eligible.contains(member), members.size(),
                byWorker.getOrDefault(members.get(member).worker(), List.of()));
            assignments.put(member, new Assignment(assigned, data.encode()));
        }
        if (everyone) {
            log.info("Group {}: no sink task reports a drainer for its stash; assigning {} input partitions to all {} "
                + "members, which will ask again once a drainer is up", groupId, partitions.size(), members.size());
        } else {
            log.info("Group {}: assigning {} input partitions to the {} of {} sink tasks whose worker drains their stash",
                groupId, partitions.size(), eligible.size(), members.size());
        }
        return new GroupAssignment(assignments);
    }

    private static List<TopicPartition> partitions(Cluster metadata, Map<String, Subscription> subscriptions) {
        Set<String> topics = new TreeSet<>();
        subscriptions.values().forEach(subscription -> topics.addAll(subscription.topics()));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            Integer count = metadata.partitionCountForTopic(topic);
            for (int p = 0; count != null && p < count; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        return partitions;
    }

    /** What each member was assigned last (it says so), of the partitions that exist, each once. */
    private static Map<String, List<TopicPartition>> owned(Map<String, Subscription> subscriptions,
                                                           Map<String, MemberData.Subscription> members,
                                                           List<TopicPartition> partitions) {
        Set<TopicPartition> exist = new HashSet<>(partitions);
        Set<TopicPartition> claimed = new HashSet<>();
        Map<String, List<TopicPartition>> owned = new HashMap<>();
        for (String member : new TreeSet<>(subscriptions.keySet())) {
            Set<TopicPartition> mine = new TreeSet<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
            mine.addAll(members.get(member).previous());
            List<TopicPartition> kept = new ArrayList<>();
            for (TopicPartition tp : mine) {
                if (exist.contains(tp) && claimed.add(tp)) {
                    kept.add(tp);
                }
            }
            owned.put(member, kept);
        }
        return owned;
    }

    /**
     * Balances {@code partitions} over {@code eligible} members (each gets ⌊n/m⌋ or ⌈n/m⌉), keeping as many as it can
     * where they are: members that own more keep first.
     */
    static Map<String, List<TopicPartition>> sticky(List<TopicPartition> partitions, Set<String> eligible,
                                                    Map<String, List<TopicPartition>> owned) {
        Map<String, List<TopicPartition>> target = new LinkedHashMap<>();
        if (eligible.isEmpty()) {
            return target;
        }
        List<String> order = new ArrayList<>(eligible);
        order.sort(Comparator.comparingInt((String m) -> -owned.getOrDefault(m, List.of()).size())
            .thenComparing(Comparator.naturalOrder()));
        int base = partitions.size() / order.size();
        int extra = partitions.size() % order.size();
        Map<String, Integer> quota = new HashMap<>();
        Set<TopicPartition> taken = new HashSet<>();
        for (int i = 0; i < order.size(); i++) {
            String member = order.get(i);
            quota.put(member, base + (i < extra ? 1 : 0));
            List<TopicPartition> kept = new ArrayList<>();
            for (TopicPartition tp : owned.getOrDefault(member, List.of())) {
                if (kept.size() < quota.get(member) && taken.add(tp)) {
                    kept.add(tp);
                }
            }
            target.put(member, kept);
        }
        int next = 0;
        for (TopicPartition tp : partitions) {
            if (taken.contains(tp)) {
                continue;
            }
            while (target.get(order.get(next)).size() >= quota.get(order.get(next))) {
                next++;
            }
            target.get(order.get(next)).add(tp);
        }
        return target;
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        previous = List.copyOf(assignment.partitions());
        MemberData.Assignment data = MemberData.Assignment.decode(assignment.userData());
        if (groupId == null || data == null) {
            return;
        }
        SinkGroups.jvm().group(groupId).assigned(this, metadata, assignment.partitions(), data);
    }
}
