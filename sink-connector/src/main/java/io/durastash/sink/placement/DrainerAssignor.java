package io.durastash.sink.placement;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A consumer partition assignor for the sink connector's tasks: it gives input partitions only to the tasks whose
 * worker runs a drainer for their stash, so that no worker stashes records that nothing there will deliver. Among
 * those it assigns as Kafka's {@link RangeAssignor} does. When no member has a drainer (the source connector is
 * stopped, or not placed yet), it assigns to all of them and says so in the assignment, so that a worker that gains a
 * drainer later asks for a new assignment ({@link PlacementGuard}).
 *
 * <p>Enable it with {@code "consumer.override.partition.assignment.strategy": "io.durastash.sink.placement.DrainerAssignor,
 * org.apache.kafka.clients.consumer.RangeAssignor"} in the sink connector's config: the group uses it once every member
 * lists it, and Range until then (during a rolling change). It needs the classic consumer group protocol, Connect's
 * default. Loaded by the plugin's class loader, it sees the plugin's JVM-wide {@link SinkGroups}.
 */
public final class DrainerAssignor implements ConsumerPartitionAssignor, Configurable {
    private static final Logger log = LoggerFactory.getLogger(DrainerAssignor.class);
    public static final String NAME = "durastash-drainer";
    private static final byte VERSION = 1;

    private final RangeAssignor range = new RangeAssignor();
    private String groupId;

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
        return SinkGroups.jvm().presence(groupId).encode();
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = groupSubscription.groupSubscription();
        Map<String, Subscription> draining = new HashMap<>();
        boolean anyDrainer = false;
        for (Map.Entry<String, Subscription> member : members.entrySet()) {
            DrainerPresence presence = DrainerPresence.decode(member.getValue().userData());
            if (presence != DrainerPresence.ABSENT) {
                draining.put(member.getKey(), member.getValue());
            }
            anyDrainer |= presence == DrainerPresence.PRESENT;
        }
        boolean everyone = !anyDrainer;
        Map<String, Subscription> eligible = everyone ? members : draining;
        Map<String, List<TopicPartition>> partitions = range.assign(partitionsPerTopic(metadata, members), eligible);
        ByteBuffer userData = ByteBuffer.allocate(6).put(VERSION).put((byte) (everyone ? 1 : 0)).putInt(members.size()).flip();
        Map<String, Assignment> assignments = new LinkedHashMap<>();
        for (String member : members.keySet()) {
            assignments.put(member, new Assignment(partitions.getOrDefault(member, List.of()), userData.duplicate()));
        }
        if (everyone) {
            log.info("Group {}: no sink task reports a drainer for its stash; assigning input partitions to all {} "
                + "members, which will ask again once a drainer is up", groupId, members.size());
        } else {
            log.info("Group {}: assigning input partitions to the {} of {} sink tasks whose worker drains their stash",
                groupId, eligible.size(), members.size());
        }
        return new GroupAssignment(assignments);
    }

    private static Map<String, Integer> partitionsPerTopic(Cluster metadata, Map<String, Subscription> members) {
        Set<String> topics = new TreeSet<>();
        members.values().forEach(subscription -> topics.addAll(subscription.topics()));
        Map<String, Integer> partitions = new HashMap<>();
        for (String topic : topics) {
            Integer count = metadata.partitionCountForTopic(topic);
            if (count != null) {
                partitions.put(topic, count);
            }
        }
        return partitions;
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        ByteBuffer data = assignment.userData() == null ? null : assignment.userData().duplicate();
        if (groupId == null || data == null || data.remaining() < 6 || data.get() != VERSION) {
            return;
        }
        boolean everyone = data.get() == 1;
        SinkGroups.jvm().group(groupId).assigned(everyone, data.getInt());
    }
}
