package io.durastash.sink.placement;

import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.StashOptions;
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
    void aPartitionThatChangesOwnerIsRevokedFirstAndAssignedInTheNextRebalance() {
        // Cooperative: "a" owns 0..3; "b" just got a drainer. 2 and 3 move to "b", in two steps.
        Map<String, Subscription> round1 = new TreeMap<>(Map.of(
            "a", member(DrainerPresence.PRESENT, WORKER_1, List.of(), in(0, 1, 2, 3)),
            "b", member(DrainerPresence.PRESENT, WORKER_2, List.of(), List.of())));
        GroupAssignment first = new DrainerAssignor().assign(cluster("in", 4), new GroupSubscription(round1));
        assertEquals(2, first.groupAssignment().get("a").partitions().size(), "a keeps two");
        assertEquals(List.of(), first.groupAssignment().get("b").partitions(), "not while a still owns them");
        assertEquals(new HashSet<>(first.groupAssignment().get("a").partitions()),
            new HashSet<>(data(first, "a").inWorker()), "a's worker learns that the other two went elsewhere");
        assertEquals(2, data(first, "b").inWorker().size(), "b's worker learns which two are coming");

        Map<String, Subscription> round2 = new TreeMap<>(Map.of(
            "a", member(DrainerPresence.PRESENT, WORKER_1, List.of(), first.groupAssignment().get("a").partitions()),
            "b", member(DrainerPresence.PRESENT, WORKER_2, List.of(), List.of())));
        GroupAssignment second = new DrainerAssignor().assign(cluster("in", 4), new GroupSubscription(round2));
        assertEquals(new HashSet<>(data(first, "b").inWorker()),
            new HashSet<>(second.groupAssignment().get("b").partitions()));
        assertEquals(first.groupAssignment().get("a").partitions(), second.groupAssignment().get("a").partitions());
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
    void reportsItsWorkersDrainerAndLearnsHowTheGroupWasAssigned() {
        String groupId = "connect-assignor-test-" + System.nanoTime();
        DrainerAssignor assignor = new DrainerAssignor();
        assignor.configure(Map.of("group.id", groupId, "bootstrap.servers", "localhost:9092"));
        assertEquals(DrainerPresence.UNKNOWN, presence(assignor), "configured before its task starts");
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            SinkGroup group = SinkGroups.jvm().join(groupId, stash, stash.ledger("s"), true, true);
            assertTrue(group.guarded(), "its consumer uses the assignor");
            assertEquals(DrainerPresence.ABSENT, presence(assignor));
            Drainer drainer = stash.drainer("source", 100, 0);
            drainer.activate(() -> null);
            assertEquals(DrainerPresence.PRESENT, presence(assignor));
            drainer.stop();

            ConsumerGroupMetadata metadata = new ConsumerGroupMetadata(groupId, 7, "member-1", java.util.Optional.empty());
            assignor.onAssignment(new Assignment(in(1), new MemberData.Assignment(false, true, 2, in(1, 2)).encode()),
                metadata);
            assertEquals(in(1), MemberData.Subscription.decode(assignor.subscriptionUserData(Set.of("in"))).previous(),
                "what it was assigned, for the next rebalance");
            group.ownership().own(new TopicPartition("in", 1), 0, 0);
            assertEquals(metadata, group.ownership().owner(new TopicPartition("in", 1)), "for transactional commits");
            SinkGroups.jvm().leave(group, this);
        }
    }
}
