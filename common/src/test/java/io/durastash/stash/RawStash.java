package io.durastash.stash;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens a closed stash's RocksDB directly, to damage or inspect entries the way a disk fault or an operator would. */
final class RawStash implements AutoCloseable {
    private final DBOptions options = new DBOptions();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;

    RawStash(Path path) throws RocksDBException {
        List<ColumnFamilyDescriptor> descriptors = List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
            new ColumnFamilyDescriptor(Stash.META.getBytes(StandardCharsets.UTF_8)),
            new ColumnFamilyDescriptor(Stash.DATA.getBytes(StandardCharsets.UTF_8)),
            new ColumnFamilyDescriptor(Stash.QUARANTINE.getBytes(StandardCharsets.UTF_8)));
        db = RocksDB.open(options, path.toString(), descriptors, handles);
    }

    ColumnFamilyHandle family(String name) {
        switch (name) {
            case Stash.META: return handles.get(1);
            case Stash.DATA: return handles.get(2);
            case Stash.QUARANTINE: return handles.get(3);
            default: return handles.get(0);
        }
    }

    byte[] get(String family, byte[] key) throws RocksDBException {
        return db.get(family(family), key);
    }

    void put(String family, byte[] key, byte[] value) throws RocksDBException {
        db.put(family(family), key, value);
    }

    void delete(String family, byte[] key) throws RocksDBException {
        db.delete(family(family), key);
    }

    /** Flips one bit in the middle of the stored value. */
    void flipBit(String family, byte[] key) throws RocksDBException {
        byte[] value = get(family, key);
        value[value.length / 2] ^= 0x04;
        put(family, key, value);
    }

    /** Counts the live keys of a column family by scanning it whole. */
    long count(String family) {
        long n = 0;
        try (RocksIterator it = db.newIterator(family(family))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        options.close();
    }
}
