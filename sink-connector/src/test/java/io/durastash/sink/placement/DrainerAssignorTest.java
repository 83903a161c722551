package io.durastash.sink.placement;

import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.model.StashOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DrainerAssignorTest {
    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static DrainerPresence presence(DrainerAssignor assignor) {
        return MemberData.Subscription.decode(assignor.subscriptionUserData(Set.of("in"))).presence();
    }

    private static final Node NODE = new Node(0, "localhost", 9092);

    @TempDir
    Path dir;

    private static Cluster cluster(String topic, int partitions) {
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(topic, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
        }
        return new Cluster("c", List.of(NODE), infos, Set.of(), Set.of());
    }

    private static final UUID WORKER_1 = UUID.randomUUID();
    private static final UUID WORKER_2 = UUID.randomUUID();

    private static Subscription member(DrainerPresence presence) {
        return member(presence, UUID.randomUUID(), List.of(), List.of());
    }

    /** A member of {@code worker}, assigned {@code previous} last, owning {@code owned} now (cooperative). */
    private static Subscription member(DrainerPresence presence, UUID worker, List<TopicPartition> previous,
                                       List<TopicPartition> owned) {
        ByteBuffer userData = presence == null ? null : new MemberData.Subscription(presence, worker, previous).encode();
        return new Subscription(List.of("in"), userData, owned);
    }

    private static List<TopicPartition> in(int... partitions) {
        List<TopicPartition> list = new ArrayList<>();
        for (int p : partitions) {
            list.add(new TopicPartition("in", p));
        }
        return list;
    }

    private static MemberData.Assignment data(GroupAssignment assignment, String member) {
        return MemberData.Assignment.decode(assignment.groupAssignment().get(member).userData());
    }

    private static Set<TopicPartition> all(GroupAssignment assignment) {
        Set<TopicPartition> all = new HashSet<>();
        assignment.groupAssignment().values().forEach(a -> all.addAll(a.partitions()));
        return all;
    }

    @Test
    void onlyMembersWithADrainerGetPartitions() {
        Map<String, Subscription> members = new TreeMap<>(Map.of(
            "a", member(DrainerPresence.PRESENT), "b", member(DrainerPresence.ABSENT), "c", member(DrainerPresence.PRESENT)));

        GroupAssignment assignment = new DrainerAssignor().assign(cluster("in", 6), new GroupSubscription(members));

        assertEquals(3, assignment.groupAssignment().get("a").partitions().size());
        assertEquals(List.of(), assignment.groupAssignment().get("b").partitions());
        assertEquals(3, assignment.groupAssignment().get("c").partitions().size());
        assertEquals(6, all(assignment).size(), "every partition assigned once");
    }

    @Test
    void withoutAnyDrainerEveryMemberGetsPartitionsAndIsToldSo() {
        Map<String, Subscription> members = new TreeMap<>(Map.of(
            "a", member(DrainerPresence.ABSENT), "b", member(DrainerPresence.ABSENT)));

        GroupAssignment assignment = new DrainerAssignor().assign(cluster("in", 4), new GroupSubscription(members));

        assertEquals(2, assignment.groupAssignment().get("b").partitions().size());
        assertEquals(4, all(assignment).size());
        assertTrue(data(assignment, "a").toEveryone());
        assertEquals(2, data(assignment, "a").members());
    }

    @Test
    void partitionsStayWithTheirOwnersWhenAMemberComes() {
        Map<String, Subscription> members = new TreeMap<>(Map.of(
            "a", member(DrainerPresence.PRESENT, WORKER_1, in(0, 1, 2), List.of()),
            "b", member(DrainerPresence.PRESENT, WORKER_2, in(3, 4, 5), List.of()),
            "new", member(DrainerPresence.PRESENT)));

        GroupAssignment assignment = new DrainerAssignor().assign(cluster("in", 6), new GroupSubscription(members));

        assertTrue(in(0, 1, 2).containsAll(assignment.groupAssignment().get("a").partitions()));
        assertTrue(in(3, 4, 5).containsAll(assignment.groupAssignment().get("b").partitions()));
        assertEquals(2, assignment.groupAssignment().get("new").partitions().size(), "one from each");
        assertEquals(6, all(assignment).size());
    }

    @Test
    void aMemberWithADrainerNowGetsItsShareAndItsWorkerLearnsWhatWentElsewhere() {
        // "a" held 0..3 when "b" had no drainer; "b" has one now. Two move to "b".
        Map<String, Subscription> members = new TreeMap<>(Map.of(
            "a", member(DrainerPresence.PRESENT, WORKER_1, in(0, 1, 2, 3), List.of()),
            "b", member(DrainerPresence.PRESENT, WORKER_2, List.of(), List.of())));
        GroupAssignment assignment = new DrainerAssignor().assign(cluster("in", 4), new GroupSubscription(members));
        assertEquals(2, assignment.groupAssignment().get("a").partitions().size(), "a keeps two");
        assertTrue(in(0, 1, 2, 3).containsAll(assignment.groupAssignment().get("a").partitions()));
        assertEquals(2, assignment.groupAssignment().get("b").partitions().size());
        assertEquals(new HashSet<>(assignment.groupAssignment().get("a").partitions()),
            new HashSet<>(data(assignment, "a").inWorker()), "a's worker learns that the other two went elsewhere");
    }

    @Test
    void theAssignorUsesTheEagerProtocolSoThatEveryMemberCommitsBeforeItRejoins() {
        assertEquals(List.of(org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.RebalanceProtocol.EAGER),
            new DrainerAssignor().supportedProtocols());
    }

    @Test
    void membersOfOneWorkerLearnEverythingTheirWorkerGot() {
        UUID worker = UUID.randomUUID();
        Map<String, Subscription> members = new TreeMap<>(Map.of(
            "a1", member(DrainerPresence.PRESENT, worker, List.of(), List.of()),
            "a2", member(DrainerPresence.PRESENT, worker, List.of(), List.of()),
            "b", member(DrainerPresence.PRESENT, WORKER_2, List.of(), List.of())));

        GroupAssignment assignment = new DrainerAssignor().assign(cluster("in", 6), new GroupSubscription(members));

        Set<TopicPartition> ofWorker = new HashSet<>(assignment.groupAssignment().get("a1").partitions());
        ofWorker.addAll(assignment.groupAssignment().get("a2").partitions());
        assertEquals(ofWorker, new HashSet<>(data(assignment, "a1").inWorker()));
        assertEquals(ofWorker, new HashSet<>(data(assignment, "a2").inWorker()));
        assertEquals(new HashSet<>(assignment.groupAssignment().get("b").partitions()),
            new HashSet<>(data(assignment, "b").inWorker()));
    }

    @Test
    void membersThatSayNothingAreNotStarved() {
        Map<String, Subscription> members = new TreeMap<>(Map.of(
            "old-plugin", member(null), "drains", member(DrainerPresence.PRESENT), "idle", member(DrainerPresence.ABSENT)));

        GroupAssignment assignment = new DrainerAssignor().assign(cluster("in", 4), new GroupSubscription(members));

        assertEquals(2, assignment.groupAssignment().get("old-plugin").partitions().size());
        assertEquals(List.of(), assignment.groupAssignment().get("idle").partitions());
    }

    @Test
    void aFirstJoinWithoutADrainerWaitsLessThanConnectAllowsATaskToStop() throws Exception {
        String groupId = "connect-assignor-wait-" + System.nanoTime();
        DrainerAssignor assignor = new DrainerAssignor();
        assignor.configure(Map.of("group.id", groupId, "bootstrap.servers", "localhost:9092"));
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            SinkGroup group = SinkGroups.jvm().join(groupId, stash, stash.ledger("s"), true, true);
            long t0 = System.nanoTime();
            assertEquals(DrainerPresence.ABSENT, presence(assignor), "no source task ever started");
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waitedMs >= DrainerAssignor.FIRST_JOIN_WAIT_MS - 100, "it waited: " + waitedMs + " ms");
            assertTrue(waitedMs < DrainerAssignor.CONNECT_GRACEFUL_STOP_MS - 500, "a stop during the wait ends within "
                + "Connect's graceful stop of " + DrainerAssignor.CONNECT_GRACEFUL_STOP_MS + " ms; waited " + waitedMs);
            SinkGroups.jvm().leave(group, this);
        }
    }

    @Test
    void reportsItsWorkersDrainerAndLearnsHowTheGroupWasAssigned() throws Exception {
        String groupId = "connect-assignor-test-" + System.nanoTime();
        DrainerAssignor assignor = new DrainerAssignor();
        assignor.configure(Map.of("group.id", groupId, "bootstrap.servers", "localhost:9092"));
        assertEquals(DrainerPresence.UNKNOWN, presence(assignor), "configured before its task starts");
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            SinkGroup group = SinkGroups.jvm().join(groupId, stash, stash.ledger("s"), true, true);
            assertTrue(group.guarded(), "its consumer uses the assignor");
            assertEquals(DrainerPresence.ABSENT, SinkGroups.jvm().presence(groupId));

            // Its first join waits for the source task starting beside it, so that the first assignment counts it.
            java.util.concurrent.CompletableFuture<Drainer> sourceStarts = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    sleep(300);
                    return stash.drainer("source", 100, 0);
                });
            long t0 = System.nanoTime();
            assertEquals(DrainerPresence.PRESENT, presence(assignor));
            assertTrue(System.nanoTime() - t0 < DrainerAssignor.FIRST_JOIN_WAIT_MS * 1_000_000L);
            Drainer drainer = sourceStarts.get();

            ConsumerGroupMetadata metadata = new ConsumerGroupMetadata(groupId, 7, "member-1", java.util.Optional.empty());
            assignor.onAssignment(new Assignment(in(1), new MemberData.Assignment(false, true, 2, in(1, 2)).encode()),
                metadata);
            assertEquals(in(1), MemberData.Subscription.decode(assignor.subscriptionUserData(Set.of("in"))).previous(),
                "what it was assigned, for the next rebalance");
            group.ownership().own(new TopicPartition("in", 1), 0, 0);
            assertEquals(metadata, group.ownership().owner(new TopicPartition("in", 1)), "for transactional commits");
            drainer.stop();
            assertEquals(DrainerPresence.ABSENT, presence(assignor), "a later join says so at once");
            SinkGroups.jvm().leave(group, this);
        }
    }
}
