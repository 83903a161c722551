package io.durastash.bench;

import io.durastash.stash.Drainer;
import io.durastash.stash.SinkLedger;
import io.durastash.stash.Stash;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The stash engine against raw RocksJava in the same process: append of 500-record batches, each synced before
 * the next (the engine's group commit would sync once for many; here both sync every batch), and drain (claim +
 * read + acknowledge), alternating engine and raw runs so that both see the same machine noise. Prints records/s of each and the ratio engine / raw.
 *
 * <p>The raw peer does the least a durable batch store can: one synced WriteBatch of the record bytes
 * plus a small metadata entry per batch; drain iterates each batch's range and deletes it with
 * deleteRange. The engine does what DuraStash needs on top: metadata JSON with a checksum, stashed
 * offsets, LOADED marks, and decoding every record back into Connect data (CRC32C checked).
 */
public final class EngineBenchmark {
    private static final int RECORDS_PER_BATCH = 500;
    /**
     * Every decoded record is stored here, by the engine and the raw peer alike: a record that escapes must be
     * allocated, while one only compared with null lets the JIT drop the decode's allocations altogether (the
     * raw peer's decode looked twice as cheap as the engine's before this).
     */
    private static Object consumed;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path root = Files.createTempDirectory("durastash-bench");
        RocksDB.loadLibrary();
        System.out.printf("engine vs raw RocksDB: %d rounds x %d batches x %d records, synced WAL, %s%n",
            rounds, batches, RECORDS_PER_BATCH, root);
        try {
            for (int valueSize : new int[] {100, 1024}) {
                List<EncodedRecord> records = records(valueSize);
                List<Double> engineAppend = new ArrayList<>();
                List<Double> rawAppend = new ArrayList<>();
                List<Double> engineDrain = new ArrayList<>();
                List<Double> rawDrain = new ArrayList<>();
                List<Double> rawDecodeDrain = new ArrayList<>();
                runEngine(root.resolve("warmup-" + valueSize), records, batches); // JIT warm-up, not counted
                for (int round = 0; round < rounds; round++) {
                    double[] raw = runRaw(root.resolve("raw-" + valueSize + "-" + round), records, batches, null);
                    rawDecodeDrain.add(runRaw(root.resolve("rawdecode-" + valueSize + "-" + round), records, batches,
                        new RecordCodec())[1]);
                    double[] engine = runEngine(root.resolve("engine-" + valueSize + "-" + round), records, batches);
                    rawAppend.add(raw[0]);
                    rawDrain.add(raw[1]);
                    engineAppend.add(engine[0]);
                    engineDrain.add(engine[1]);
                }
                report(valueSize, "append", median(engineAppend), median(rawAppend));
                report(valueSize, "drain", median(engineDrain), median(rawDrain));
                report(valueSize, "drain+decode", median(engineDrain), median(rawDecodeDrain));
            }
        } finally {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void report(int valueSize, String operation, double engine, double raw) {
        System.out.printf("%5d-byte values  %-12s  engine %,11.0f records/s   raw %,11.0f records/s   ratio %.2f%n",
            valueSize, operation, engine, raw, engine / raw);
    }

    private static List<EncodedRecord> records(int valueSize) {
        RecordCodec codec = new RecordCodec();
        Random random = new Random(42);
        List<EncodedRecord> records = new ArrayList<>(RECORDS_PER_BATCH);
        for (int i = 0; i < RECORDS_PER_BATCH; i++) {
            byte[] value = new byte[valueSize];
            random.nextBytes(value);
            ConnectHeaders headers = new ConnectHeaders();
            StashRecord record = new StashRecord("bench", 0, i, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                Schema.OPTIONAL_BYTES_SCHEMA, ("key-" + i).getBytes(StandardCharsets.UTF_8), Schema.OPTIONAL_BYTES_SCHEMA,
                value, headers);
            records.add(new EncodedRecord(new TopicPartition("bench", 0), i, codec.encode(record)));
        }
        return records;
    }

    /** Returns {append records/s, drain records/s}. */
    private static double[] runEngine(Path dir, List<EncodedRecord> records, int batches) {
        long total = (long) batches * RECORDS_PER_BATCH;
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            TopicPartition partition = new TopicPartition("bench", 0);
            SinkLedger sink = stash.ledger("bench-sink");
            long start = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                sink.append(List.of(new NewBatch("bench", records)), Map.of(partition, (long) b * RECORDS_PER_BATCH), true);
                sink.sync(); // durable before the next, as the raw peer's synced write
            }
            double append = total / seconds(start);
            Drainer drainer = stash.drainer("bench", RECORDS_PER_BATCH, 0);
            drainer.activate(() -> null);
            long[] handedOut = new long[RECORDS_PER_BATCH];
            long read = 0;
            start = System.nanoTime();
            for (int n = drain(drainer, handedOut); n > 0; n = drain(drainer, handedOut)) {
                // Acknowledged as Kafka would, after the poll: one call per record.
                for (int i = 0; i < n; i++) {
                    drainer.acknowledged(handedOut[i], false);
                }
                drainer.deleteAcknowledged();
                read += n;
            }
            drainer.stop();
            double drain = read / seconds(start);
            check(read, total);
            return new double[] {append, drain};
        }
    }

    /** Drains one poll's worth, keeping each record and noting its batch id; returns how many it handed out. */
    private static int drain(Drainer drainer, long[] batchIds) {
        int[] n = {0};
        drainer.drain(batchIds.length, (batch, record, last) -> {
            consumed = record;
            batchIds[n[0]++] = record.batchId();
        });
        return n[0];
    }

    /** Returns {append records/s, drain records/s}. */
    private static double[] runRaw(Path dir, List<EncodedRecord> records, int batches, RecordCodec codec) throws Exception {
        long total = (long) batches * RECORDS_PER_BATCH;
        Files.createDirectories(dir);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             WriteOptions synced = new WriteOptions().setSync(true);
             WriteOptions unsynced = new WriteOptions();
             RocksDB db = RocksDB.open(options, dir.toString(), List.of(
                 new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                 new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8)),
                 new ColumnFamilyDescriptor("data".getBytes(StandardCharsets.UTF_8))), handles)) {
            ColumnFamilyHandle meta = handles.get(1);
            ColumnFamilyHandle data = handles.get(2);
            byte[] metaValue = new byte[200];
            Arrays.fill(metaValue, (byte) 'm');
            long start = System.nanoTime();
            for (long b = 0; b < batches; b++) {
                try (WriteBatch write = new WriteBatch()) {
                    for (int i = 0; i < records.size(); i++) {
                        write.put(data, key(b, i), records.get(i).bytes());
                    }
                    write.put(meta, ByteBuffer.allocate(8).putLong(b).array(), metaValue);
                    db.write(synced, write);
                }
            }
            double append = total / seconds(start);
            long read = 0;
            start = System.nanoTime();
            for (long b = 0; b < batches; b++) {
                db.get(meta, ByteBuffer.allocate(8).putLong(b).array());
                try (Slice lower = new Slice(key(b, 0)); Slice upper = new Slice(key(b + 1, 0));
                     ReadOptions readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
                     RocksIterator it = db.newIterator(data, readOptions)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        if (codec == null ? it.value().length > 0 : (consumed = codec.decode(it.value())) != null) {
                            read++;
                        }
                    }
                }
                try (WriteBatch write = new WriteBatch()) {
                    write.deleteRange(data, key(b, 0), key(b + 1, 0));
                    write.delete(meta, ByteBuffer.allocate(8).putLong(b).array());
                    db.write(unsynced, write);
                }
            }
            double drain = read / seconds(start);
            check(read, total);
            handles.forEach(ColumnFamilyHandle::close);
            return new double[] {append, drain};
        }
    }

    private static byte[] key(long batch, int index) {
        return ByteBuffer.allocate(12).putLong(batch).putInt(index).array();
    }

    private static void check(long read, long expected) {
        if (read != expected) {
            throw new IllegalStateException("read " + read + " records, expected " + expected);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
