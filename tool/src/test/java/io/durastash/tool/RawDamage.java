package io.durastash.tool;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Damages entries of a closed stash directly in RocksDB, as a disk fault would. */
final class RawDamage implements AutoCloseable {
    private final DBOptions options = new DBOptions();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;

    RawDamage(Path path) throws RocksDBException {
        db = RocksDB.open(options, path.toString(), List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
            new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8)),
            new ColumnFamilyDescriptor("data".getBytes(StandardCharsets.UTF_8)),
            new ColumnFamilyDescriptor("quarantine".getBytes(StandardCharsets.UTF_8))), handles);
    }

    /** Flips a bit in the middle of record {@code index} of batch {@code batchId}. */
    void damageRecord(long batchId, int index) throws RocksDBException {
        flip(handles.get(2), ByteBuffer.allocate(12).putLong(batchId).putInt(index).array());
    }

    /** Makes batch {@code batchId}'s metadata fail its checksum while it still parses. */
    void damageMetadata(long batchId) throws RocksDBException {
        byte[] key = ByteBuffer.allocate(8).putLong(batchId).array();
        String json = new String(db.get(handles.get(1), key), StandardCharsets.UTF_8);
        db.put(handles.get(1), key, json.replaceFirst("\"byteSize\":", "\"byteSize\":1").getBytes(StandardCharsets.UTF_8));
    }

    private void flip(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
        byte[] value = db.get(family, key);
        value[value.length / 2] ^= 0x04;
        db.put(family, key, value);
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        options.close();
    }
}
