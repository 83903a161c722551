package io.durastash.stash.internals;

import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;

/**
 * The column families of a stash, in the order they are opened. {@code meta}: batch id → batch metadata;
 * {@code data}: batch id + record index → encoded record; {@code quarantine}: damaged entries set aside;
 * {@code default}: identity, format version, next batch id, stashed sink offsets.
 */
public enum Family {
    DEFAULT(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8)),
    META("meta"),
    DATA("data"),
    QUARANTINE("quarantine");

    private final String columnFamily;

    Family(String columnFamily) {
        this.columnFamily = columnFamily;
    }

    /** The RocksDB column family name. */
    public String columnFamily() {
        return columnFamily;
    }

    public byte[] nameBytes() {
        return columnFamily.getBytes(StandardCharsets.UTF_8);
    }
}
