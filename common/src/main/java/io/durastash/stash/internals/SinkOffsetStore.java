package io.durastash.stash.internals;

import org.apache.kafka.common.TopicPartition;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stashed input offsets of the sink connectors on a stash (connector → partition → the last offset handled),
 * kept in {@code default} and written in the same write as the records they cover. Thread-safe.
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
