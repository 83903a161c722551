package io.durastash.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stopped worker's stash opened directly with RocksJava, bypassing DuraStash, to damage it as a disk fault would.
 * The layout is DESIGN.md's: column families default, meta, data, quarantine; meta keys are the 8-byte big-endian
 * batch id, data keys the batch id (8) and the record index (4).
 */
final class RawStash implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DBOptions options = new DBOptions();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;

    RawStash(Path directory) {
        RocksDB.loadLibrary();
        try {
            db = RocksDB.open(options, directory.toString(), List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8)),
                new ColumnFamilyDescriptor("data".getBytes(StandardCharsets.UTF_8)),
                new ColumnFamilyDescriptor("quarantine".getBytes(StandardCharsets.UTF_8))), handles);
        } catch (RocksDBException e) {
            options.close();
            throw new IllegalStateException("Cannot open the stash " + directory + " with RocksJava: " + e.getMessage(), e);
        }
    }

    private ColumnFamilyHandle meta() {
        return handles.get(1);
    }

    private ColumnFamilyHandle data() {
        return handles.get(2);
    }

    /** The ids of the batches in {@code meta}, in order. */
    List<Long> batchIds() {
        List<Long> ids = new ArrayList<>();
        try (RocksIterator it = db.newIterator(meta())) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ids.add(ByteBuffer.wrap(it.key()).getLong());
            }
        }
        return ids;
    }

    /** A batch's metadata JSON as stored. */
    JsonNode metadata(long batchId) {
        try {
            return JSON.readTree(get(meta(), batchKey(batchId)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips one bit in the middle of batch {@code batchId}'s metadata value; returns the byte position. */
    int flipMetadataBit(long batchId) {
        return flipMiddleBit(meta(), batchKey(batchId));
    }

    /** Flips one bit in the middle of record {@code index} of batch {@code batchId}; returns the byte position. */
    int flipRecordBit(long batchId, int index) {
        return flipMiddleBit(data(), ByteBuffer.allocate(12).putLong(batchId).putInt(index).array());
    }

    private int flipMiddleBit(ColumnFamilyHandle family, byte[] key) {
        byte[] value = get(family, key);
        int position = value.length / 2;
        value[position] ^= 0x10;
        try {
            db.put(family, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
        return position;
    }

    private byte[] get(ColumnFamilyHandle family, byte[] key) {
        try {
            byte[] value = db.get(family, key);
            if (value == null) {
                throw new IllegalStateException("no entry " + java.util.HexFormat.of().formatHex(key));
            }
            return value;
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] batchKey(long batchId) {
        return ByteBuffer.allocate(8).putLong(batchId).array();
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        try {
            db.syncWal();
        } catch (RocksDBException ignored) {
            // closeE flushes anyway
        }
        try {
            db.closeE();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
        options.close();
    }
}
