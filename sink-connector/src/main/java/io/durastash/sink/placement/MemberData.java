package io.durastash.sink.placement;

import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the {@link DrainerAssignor}s of a sink connector's consumer group tell each other through the group protocol's
 * user data. A member's subscription says whether a drainer drains its worker's stash, which worker it is in (a
 * random id per worker JVM) and what it was assigned last (so that an eager rebalance, which revokes everything
 * first, can still give partitions back to their owners). An assignment says whether it went to every member for want
 * of a drainer, whether this member could take partitions, how many members there were, and which partitions went to
 * any member of the same worker. Version 1, from older plugins, carries only the first and the first three.
 */
final class MemberData {
    static final byte VERSION = 2;
    private static final byte VERSION_1 = 1;

    /** A member's subscription user data. */
    record Subscription(DrainerPresence presence, UUID worker, List<TopicPartition> previous) {
        ByteBuffer encode() {
            ByteBuffer partitions = encodePartitions(previous);
            ByteBuffer buffer = ByteBuffer.allocate(2 + 16 + partitions.remaining());
            buffer.put(VERSION).put((byte) presence.ordinal())
                .putLong(worker.getMostSignificantBits()).putLong(worker.getLeastSignificantBits()).put(partitions);
            return buffer.flip();
        }

        /** Decodes a member's user data; a member that says nothing is of unknown presence, alone in its worker. */
        static Subscription decode(ByteBuffer userData) {
            if (userData == null || userData.remaining() < 2) {
                return new Subscription(DrainerPresence.UNKNOWN, UUID.randomUUID(), List.of());
            }
            ByteBuffer data = userData.duplicate();
            byte version = data.get();
            if (version != VERSION && version != VERSION_1) {
                return new Subscription(DrainerPresence.UNKNOWN, UUID.randomUUID(), List.of());
            }
            int state = data.get();
            DrainerPresence presence = state >= 0 && state < DrainerPresence.values().length
                ? DrainerPresence.values()[state] : DrainerPresence.UNKNOWN;
            if (version == VERSION_1 || data.remaining() < 16) {
                return new Subscription(presence, UUID.randomUUID(), List.of());
            }
            UUID worker = new UUID(data.getLong(), data.getLong());
            return new Subscription(presence, worker, decodePartitions(data));
        }
    }

    /** A member's assignment user data. */
    record Assignment(boolean toEveryone, boolean eligible, int members, List<TopicPartition> inWorker) {
        ByteBuffer encode() {
            ByteBuffer partitions = encodePartitions(inWorker);
            ByteBuffer buffer = ByteBuffer.allocate(1 + 1 + 4 + 1 + partitions.remaining());
            buffer.put(VERSION).put((byte) (toEveryone ? 1 : 0)).putInt(members).put((byte) (eligible ? 1 : 0))
                .put(partitions);
            return buffer.flip();
        }

        /** Decodes an assignment's user data; null when it is not one a {@link DrainerAssignor} wrote. */
        static Assignment decode(ByteBuffer userData) {
            if (userData == null || userData.remaining() < 6) {
                return null;
            }
            ByteBuffer data = userData.duplicate();
            byte version = data.get();
            if (version != VERSION && version != VERSION_1) {
                return null;
            }
            boolean everyone = data.get() == 1;
            int members = data.getInt();
            if (version == VERSION_1 || !data.hasRemaining()) {
                return new Assignment(everyone, true, members, null);
            }
            boolean eligible = data.get() == 1;
            return new Assignment(everyone, eligible, members, decodePartitions(data));
        }
    }

    private MemberData() {
    }

    /** Partitions grouped by topic: topic count; per topic its name, partition count and partition numbers. */
    static ByteBuffer encodePartitions(Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        int size = 4;
        for (Map.Entry<String, List<Integer>> topic : byTopic.entrySet()) {
            size += 2 + topic.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 4 * topic.getValue().size();
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putInt(byTopic.size());
        byTopic.forEach((topic, numbers) -> {
            byte[] name = topic.getBytes(StandardCharsets.UTF_8);
            buffer.putShort((short) name.length).put(name).putInt(numbers.size());
            numbers.forEach(buffer::putInt);
        });
        return buffer.flip();
    }

    static List<TopicPartition> decodePartitions(ByteBuffer data) {
        List<TopicPartition> partitions = new ArrayList<>();
        if (data.remaining() < 4) {
            return partitions;
        }
        int topics = data.getInt();
        for (int t = 0; t < topics; t++) {
            byte[] name = new byte[data.getShort()];
            data.get(name);
            String topic = new String(name, StandardCharsets.UTF_8);
            int count = data.getInt();
            for (int i = 0; i < count; i++) {
                partitions.add(new TopicPartition(topic, data.getInt()));
            }
        }
        return partitions;
    }
}
