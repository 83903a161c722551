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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DrainerAssignorTest {
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

    private static Subscription member(DrainerPresence presence) {
        return new Subscription(List.of("in"), presence == null ? null : presence.encode());
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
        ByteBuffer userData = assignment.groupAssignment().get("a").userData().duplicate();
        assertEquals(1, userData.get(), "version");
        assertEquals(1, userData.get(), "assigned to everyone");
        assertEquals(2, userData.getInt(), "members");
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
        assertEquals(DrainerPresence.UNKNOWN, DrainerPresence.decode(assignor.subscriptionUserData(Set.of("in"))),
            "configured before its task starts");
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            SinkGroup group = SinkGroups.jvm().join(groupId, stash);
            assertTrue(group.guarded(), "its consumer uses the assignor");
            assertEquals(DrainerPresence.ABSENT, DrainerPresence.decode(assignor.subscriptionUserData(Set.of("in"))));
            Drainer drainer = stash.drainer("source", 100, 0);
            drainer.activate(() -> null);
            assertEquals(DrainerPresence.PRESENT, DrainerPresence.decode(assignor.subscriptionUserData(Set.of("in"))));
            drainer.stop();

            assignor.onAssignment(new Assignment(List.of(), ByteBuffer.allocate(6).put((byte) 1).put((byte) 1).putInt(2).flip()),
                new ConsumerGroupMetadata(groupId));
            SinkGroups.jvm().leave(group, this);
        }
    }
}
