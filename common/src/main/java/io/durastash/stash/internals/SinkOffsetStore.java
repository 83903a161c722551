package io.durastash.stash.internals;

import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the stash keeps of its sink connectors' input offsets, in {@code default}: the stashed offsets (connector →
 * partition → the last offset handled), written in the same write as the records they cover; the first batch of each
 * partition's current run (records before it belong to an earlier assignment); the id of the input topic they belong
 * to, by which a task tells a topic deleted and created again under the same name; and the input commit mode each
 * connector writes in. Thread-safe.
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

    /**
     * The first batch id of each partition's current run: records of the partition in earlier batches were stashed
     * while an earlier assignment held it, and are not delivered from this stash.
     */
    public Map<TopicPartition, Long> runStarts(String sink) {
        byte[] prefix = StashKeys.sinkRunPrefix(sink);
        Map<TopicPartition, Long> runs = new LinkedHashMap<>();
        scan(prefix, (key, value) -> runs.put(StashKeys.sinkOffsetPartition(key, prefix.length), StashKeys.longValue(value)));
        return runs;
    }

    /**
     * Starts a new run of each of {@code partitions} at batch {@code firstBatchId}, and forgets their stashed offsets,
     * in one write; not synced: a power loss takes it back together with every later write.
     */
    public void startRuns(String sink, Collection<TopicPartition> partitions, long firstBatchId) {
        if (partitions.isEmpty()) {
            return;
        }
        try (StashWrite write = db.newWrite()) {
            for (TopicPartition tp : partitions) {
                write.delete(Family.DEFAULT, StashKeys.sinkOffset(sink, tp));
                write.put(Family.DEFAULT, StashKeys.sinkRun(sink, tp), StashKeys.longValue(firstBatchId));
            }
            db.write("start new runs of " + sink, write, false);
        }
    }

    /** The input commit mode {@code sink} last wrote this stash in; null when it never said. */
    public String mode(String sink) {
        byte[] value = db.get("read the input commit mode of " + sink, Family.DEFAULT, StashKeys.sinkMode(sink));
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The input commit modes of every sink connector that said, by connector name. */
    public Map<String, String> modes() {
        byte[] prefix = StashKeys.sinkModePrefix();
        Map<String, String> modes = new TreeMap<>();
        scan(prefix, (key, value) -> modes.put(new String(key, prefix.length, key.length - prefix.length,
            StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8)));
        return modes;
    }

    /** Notes the input commit mode {@code sink} writes in; not synced. */
    public void noteMode(String sink, String mode) {
        try (StashWrite write = db.newWrite()) {
            write.put(Family.DEFAULT, StashKeys.sinkMode(sink), mode.getBytes(StandardCharsets.UTF_8));
            db.write("note the input commit mode of " + sink, write, false);
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
