package io.durastash.stash.internals;

import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the stash keeps of its sink connectors' input offsets, in {@code default}: the stashed offsets (connector →
 * partition → the last offset handled), written in the same write as the records they cover; and the offsets each
 * connector's tasks recently let Connect commit, by which a task tells a deliberate reset from a redelivery; and the
 * id of the input topic they belong to, by which it tells a topic deleted and created again under the same name.
 * Thread-safe.
 */
public final class SinkOffsetStore {
    private final StashDb db;

    public SinkOffsetStore(StashDb db) {
        this.db = db;
    }

    /** Adds the new stashed offsets of {@code sink} to {@code write}. */
    public void addTo(StashWrite write, String sink, Map<TopicPartition, Long> offsets) {
        for (Map.Entry<TopicPartition, Long> offset : offsets.entrySet()) {
            write.put(Family.DEFAULT, StashKeys.sinkOffset(sink, offset.getKey()), StashKeys.longValue(offset.getValue()));
        }
    }

    /** The highest input offset stashed per partition by {@code sink}. */
    public Map<TopicPartition, Long> read(String sink) {
        byte[] prefix = StashKeys.sinkOffsetPrefix(sink);
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        scan(prefix, (key, value) -> offsets.put(StashKeys.sinkOffsetPartition(key, prefix.length), StashKeys.longValue(value)));
        return offsets;
    }

    /** The stashed offsets of every sink connector on the stash. */
    public Map<String, Map<TopicPartition, Long>> readAll() {
        byte[] prefix = StashKeys.sinkOffsetPrefix();
        Map<String, Map<TopicPartition, Long>> offsets = new TreeMap<>();
        scan(prefix, (key, value) -> {
            Map.Entry<String, TopicPartition> owner = StashKeys.sinkOffsetOwner(key, prefix.length);
            offsets.computeIfAbsent(owner.getKey(), name -> new LinkedHashMap<>()).put(owner.getValue(), StashKeys.longValue(value));
        });
        return offsets;
    }

    private void scan(byte[] prefix, FamilyCursor.Visitor visitor) {
        try (FamilyCursor cursor = db.cursor(Family.DEFAULT, prefix, StashKeys.prefixEnd(prefix), true, 0)) {
            cursor.forEachRemaining(visitor);
        }
    }

    /** The offsets {@code sink}'s tasks on this stash recently let Connect commit, per partition, oldest first. */
    public Map<TopicPartition, long[]> recentCommits(String sink) {
        byte[] prefix = StashKeys.sinkCommitsPrefix(sink);
        Map<TopicPartition, long[]> commits = new LinkedHashMap<>();
        scan(prefix, (key, value) -> commits.put(StashKeys.sinkOffsetPartition(key, prefix.length), StashKeys.longsValue(value)));
        return commits;
    }

    /** Replaces the recent commits of the named partitions; not synced (losing them costs a redundant re-stash). */
    public void noteCommits(String sink, Map<TopicPartition, long[]> commits) {
        if (commits.isEmpty()) {
            return;
        }
        try (StashWrite write = db.newWrite()) {
            commits.forEach((tp, offsets) -> write.put(Family.DEFAULT, StashKeys.sinkCommits(sink, tp), StashKeys.longsValue(offsets)));
            db.write("note the recent commits of " + sink, write, false);
        }
    }

    /** The id of the input topic each partition's stashed offset belongs to, as {@code sink}'s tasks last saw it. */
    public Map<TopicPartition, String> topicIds(String sink) {
        byte[] prefix = StashKeys.sinkTopicIdPrefix(sink);
        Map<TopicPartition, String> ids = new LinkedHashMap<>();
        scan(prefix, (key, value) -> ids.put(StashKeys.sinkOffsetPartition(key, prefix.length),
            new String(value, StandardCharsets.UTF_8)));
        return ids;
    }

    /** Notes the input topic ids of the named partitions; not synced (losing them costs a redundant re-stash). */
    public void noteTopicIds(String sink, Map<TopicPartition, String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (StashWrite write = db.newWrite()) {
            ids.forEach((tp, id) -> write.put(Family.DEFAULT, StashKeys.sinkTopicId(sink, tp), id.getBytes(StandardCharsets.UTF_8)));
            db.write("note the input topic ids of " + sink, write, false);
        }
    }

    /** Overwrites stashed offsets of {@code sink}, synced; a null value forgets the partition. */
    public void reset(String sink, Map<TopicPartition, Long> offsets) {
        try (StashWrite write = db.newWrite()) {
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                byte[] key = StashKeys.sinkOffset(sink, e.getKey());
                if (e.getValue() == null) {
                    write.delete(Family.DEFAULT, key);
                } else {
                    write.put(Family.DEFAULT, key, StashKeys.longValue(e.getValue()));
                }
            }
            db.write("reset stashed offsets of " + sink, write, true);
        }
    }
}
