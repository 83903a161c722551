package io.durastash.source;

import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the Connect runtime gives a source task: its config, committed offsets and, with exactly-once, transactions. */
final class FakeSourceTaskContext implements SourceTaskContext {
    final Map<String, String> configs;
    final FakeOffsetStorageReader offsets;
    final FakeTransactionContext transactions;
    /** What pluginMetrics() returns; null as on a runtime that offers none. */
    PluginMetrics pluginMetrics;

    FakeSourceTaskContext(Map<String, String> configs, boolean transactional) {
        this(configs, transactional, new FakeOffsetStorageReader());
    }

    /** A context whose committed offsets are {@code offsets}, shared like the offsets of one connector's tasks. */
    FakeSourceTaskContext(Map<String, String> configs, boolean transactional, FakeOffsetStorageReader offsets) {
        this.configs = configs;
        this.transactions = transactional ? new FakeTransactionContext() : null;
        this.offsets = offsets;
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
        return offsets;
    }

    @Override
    public TransactionContext transactionContext() {
        return transactions;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return pluginMetrics;
    }

    /** Committed offsets, as the offset store returns them (integers come back as Long). */
    static final class FakeOffsetStorageReader implements OffsetStorageReader {
        final Map<Map<String, ?>, Map<String, Object>> committed = new java.util.concurrent.ConcurrentHashMap<>();

        /** Commits the offset of {@code record}, as Connect does once it and every record before it are acknowledged. */
        void commit(org.apache.kafka.connect.source.SourceRecord record) {
            committed.put(record.sourcePartition(), new HashMap<>(record.sourceOffset()));
        }

        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return committed.get(partition);
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
            for (Map<String, T> partition : partitions) {
                result.put(partition, committed.get(partition));
            }
            return result;
        }
    }

    /** Records which records the task asked to commit a transaction after. */
    static final class FakeTransactionContext implements TransactionContext {
        final List<SourceRecord> commitAfter = new CopyOnWriteArrayList<>();
        int commitNow;

        @Override
        public void commitTransaction() {
            commitNow++;
        }

        @Override
        public void commitTransaction(SourceRecord record) {
            commitAfter.add(record);
        }

        @Override
        public void abortTransaction() {
            throw new AssertionError("the task never aborts");
        }

        @Override
        public void abortTransaction(SourceRecord record) {
            throw new AssertionError("the task never aborts");
        }
    }
}
