package io.durastash.stash.quarantine;

import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashJson;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.QuarantinedEntry;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * Plans a requeue: per original batch, which quarantined records now pass their checksum and decode (and so may
 * form a new batch, in their original order), and which still fail. Changes nothing itself.
 */
final class QuarantineRequeue {
    /** What to do for one original batch. */
    static final class Plan {
        final long originalBatchId;
        final List<byte[]> restoredKeys = new ArrayList<>();
        final List<EncodedRecord> records = new ArrayList<>();
        byte[] metadataKey;
        String group;
        int stillDamaged;
        /** Of the records restored, those the output had refused (the others were damaged and now pass). */
        int refused;

        Plan(long originalBatchId) {
            this.originalBatchId = originalBatchId;
        }

        boolean restores() {
            return !records.isEmpty();
        }

        /** Keys to delete from quarantine when the new batch is written. */
        List<byte[]> keysToRemove() {
            List<byte[]> keys = new ArrayList<>(restoredKeys);
            if (metadataKey != null) {
                keys.add(metadataKey);
            }
            return keys;
        }
    }

    private QuarantineRequeue() {
    }

    /**
     * @param liveGroup the group of a batch still in the stash, or null when it is gone or damaged
     */
    static List<Plan> plan(List<QuarantineStore.KeyedEntry> entries, LongFunction<String> liveGroup, RecordCodec codec) {
        Map<Long, Plan> plans = new TreeMap<>();
        Map<Long, List<QuarantineStore.KeyedEntry>> records = new TreeMap<>();
        Map<Long, String> metadataGroups = new TreeMap<>();
        for (QuarantineStore.KeyedEntry keyed : entries) {
            QuarantinedEntry entry = keyed.entry();
            Plan plan = plans.computeIfAbsent(entry.batchId(), Plan::new);
            if (entry.group() != null) {
                metadataGroups.putIfAbsent(entry.batchId(), entry.group());
            }
            if (Family.META.columnFamily().equals(entry.family())) {
                plan.metadataKey = keyed.key();
                if (entry.bytes() != null && StashJson.groupOf(entry.bytes()) != null) {
                    metadataGroups.put(entry.batchId(), StashJson.groupOf(entry.bytes()));
                }
            } else if (Family.DATA.columnFamily().equals(entry.family())) {
                records.computeIfAbsent(entry.batchId(), id -> new ArrayList<>()).add(keyed);
            } else {
                plan.stillDamaged++; // an entry that does not even parse: nothing to restore from
            }
        }
        for (Plan plan : plans.values()) {
            List<QuarantineStore.KeyedEntry> batchRecords = new ArrayList<>(records.getOrDefault(plan.originalBatchId, List.of()));
            batchRecords.sort(Comparator.comparingInt(k -> k.entry().index()));
            for (QuarantineStore.KeyedEntry keyed : batchRecords) {
                byte[] bytes = keyed.entry().bytes();
                try {
                    var record = codec.decode(bytes == null ? new byte[0] : bytes);
                    plan.records.add(new EncodedRecord(new TopicPartition(record.topic(), record.partition()), record.offset(), bytes));
                    plan.restoredKeys.add(keyed.key());
                    if (keyed.entry().refused()) {
                        plan.refused++;
                    }
                } catch (CorruptEntryException e) {
                    plan.stillDamaged++;
                }
            }
            if (!plan.restores()) {
                plan.metadataKey = null; // nothing rebuilt: the metadata entry stays as the record of what was lost
            }
            String group = liveGroup.apply(plan.originalBatchId);
            if (group == null) {
                group = metadataGroups.get(plan.originalBatchId);
            }
            plan.group = group == null ? "" : group;
        }
        return new ArrayList<>(plans.values());
    }
}
