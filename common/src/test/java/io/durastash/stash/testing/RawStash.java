package io.durastash.stash.testing;

import io.durastash.stash.codec.RecordBlock;
import io.durastash.stash.internals.Family;
import io.durastash.stash.internals.StashKeys;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SstFileReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A closed stash's RocksDB opened directly, bypassing DuraStash, to damage or inspect entries the way a disk fault or
 * an operator would. Column families and keys are the engine's own ({@link Family}, {@code StashKeys}).
 */
public final class RawStash implements AutoCloseable {
    private final DBOptions options = new DBOptions();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final Path directory;

    public RawStash(Path directory) {
        this.directory = directory;
        RocksDB.loadLibrary();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (Family family : Family.values()) {
            descriptors.add(new ColumnFamilyDescriptor(family.nameBytes()));
        }
        try {
            db = RocksDB.open(options, directory.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            options.close();
            throw new IllegalStateException("Cannot open the stash " + directory + " with RocksJava: " + e.getMessage(), e);
        }
    }

    private ColumnFamilyHandle handle(Family family) {
        return handles.get(family.ordinal());
    }

    /** The value under {@code key}, or null. */
    public byte[] get(Family family, byte[] key) {
        try {
            return db.get(handle(family), key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    public void put(Family family, byte[] key, byte[] value) {
        try {
            db.put(handle(family), key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    public void delete(Family family, byte[] key) {
        try {
            db.delete(handle(family), key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flips one bit in the middle of the value stored under {@code key}; returns the byte position. */
    public int flipBit(Family family, byte[] key) {
        byte[] value = get(family, key);
        if (value == null) {
            throw new IllegalStateException("no entry " + java.util.HexFormat.of().formatHex(key) + " in " + family);
        }
        int position = value.length / 2;
        value[position] ^= 0x04;
        put(family, key, value);
        return position;
    }

    /**
     * Flips one bit in the middle of record {@code index} of batch {@code batchId}, inside the entry that holds it (a
     * block, or the record alone in a stash of the first format); returns the byte position in the entry.
     */
    public int flipRecordBit(long batchId, int index) {
        byte[] key = entryKey(batchId, index);
        byte[] entry = get(Family.DATA, key);
        int[] range = recordRange(key, entry, index);
        int position = (range[0] + range[1]) / 2;
        entry[position] ^= 0x04;
        put(Family.DATA, key, entry);
        return position;
    }

    /**
     * Spoils the length before record {@code index} in its block, so that the block cannot be framed from that record
     * on, while the records before it still can.
     */
    public void breakBlockAt(long batchId, int index) {
        byte[] key = entryKey(batchId, index);
        byte[] entry = get(Family.DATA, key);
        int from = recordRange(key, entry, index)[0];
        for (int i = from - 1; i < from + 4; i++) {
            entry[i] = (byte) 0xFF; // a varint that never ends
        }
        put(Family.DATA, key, entry);
    }

    /** The stored bytes of record {@code index} of batch {@code batchId}, as its codec encoded them. */
    public byte[] recordBytes(long batchId, int index) {
        byte[] key = entryKey(batchId, index);
        byte[] entry = get(Family.DATA, key);
        int[] range = recordRange(key, entry, index);
        return java.util.Arrays.copyOfRange(entry, range[0], range[1]);
    }

    private static int[] recordRange(byte[] key, byte[] entry, int index) {
        int[] range = {-1, -1};
        RecordBlock.read(StashKeys.recordIndex(key), entry, (i, bytes, from, to, checked) -> {
            if (i == index) {
                range[0] = from;
                range[1] = to;
            }
        });
        if (range[0] < 0) {
            throw new IllegalStateException("no record " + index + " in the entry at " + StashKeys.recordIndex(key));
        }
        return range;
    }

    /** The key of the data entry that holds record {@code index} of batch {@code batchId}. */
    public byte[] entryKey(long batchId, int index) {
        try (RocksIterator it = db.newIterator(handle(Family.DATA))) {
            it.seekForPrev(StashKeys.record(batchId, index));
            if (!it.isValid() || StashKeys.batchId(it.key()) != batchId) {
                throw new IllegalStateException("batch " + batchId + " has no record " + index);
            }
            return it.key();
        }
    }

    /** Counts the records the data column family holds, in blocks or alone, by scanning it whole. */
    public long countRecords() {
        long count = 0;
        try (RocksIterator it = db.newIterator(handle(Family.DATA))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                count += RecordBlock.read(StashKeys.recordIndex(it.key()), it.value(), (i, bytes, from, to, checked) -> { });
            }
        }
        return count;
    }

    /** Rewrites batch {@code batchId}'s metadata JSON with {@code edit}, e.g. so that it parses but fails its checksum. */
    public void editMetadata(long batchId, UnaryOperator<String> edit) {
        byte[] key = StashKeys.batch(batchId);
        byte[] value = get(Family.META, key);
        if (value == null) {
            throw new IllegalStateException("no metadata for batch " + batchId);
        }
        put(Family.META, key, edit.apply(new String(value, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    /** Makes batch {@code batchId}'s metadata fail its checksum while it still parses. */
    public void spoilMetadataChecksum(long batchId) {
        editMetadata(batchId, json -> json.replaceFirst("\"byteSize\":", "\"byteSize\":1"));
    }

    /** The id the next batch appended would get, as stored (1 when none is). */
    public long nextBatchId() {
        byte[] next = get(Family.DEFAULT, StashKeys.NEXT_BATCH_ID);
        return next == null ? 1 : StashKeys.longValue(next);
    }

    /** The end of the batch id reservation, as stored (0 when none is). */
    public long idsReserved() {
        byte[] reserved = get(Family.DEFAULT, StashKeys.IDS_RESERVED);
        return reserved == null ? 0 : StashKeys.longValue(reserved);
    }

    /** The ids of the batches whose metadata is stored, in order. */
    public List<Long> batchIds() {
        return keys(Family.META).stream().map(StashKeys::batchId).toList();
    }

    /** Batch {@code batchId}'s metadata as stored: JSON bytes. */
    public byte[] metadataBytes(long batchId) {
        return get(Family.META, StashKeys.batch(batchId));
    }

    /** Flips one bit of batch {@code batchId}'s metadata; returns the byte it flipped. */
    public int flipMetadataBit(long batchId) {
        return flipBit(Family.META, StashKeys.batch(batchId));
    }

    /** The SST files of a closed stash that hold records, as {@link #sstFiles(Path, Family)} finds them. */
    public static List<Path> recordSstFiles(Path directory) {
        return sstFiles(directory, Family.DATA);
    }

    /**
     * The complete SST files that hold records, in the order they were written, of a stash open elsewhere in this
     * process: a file RocksDB is writing or deleting meanwhile is left out.
     */
    public static List<Path> recordSstFilesOfOpenStash(Path directory) {
        return sstFiles(directory, Family.DATA, true);
    }

    /** The SST files of a closed stash that hold batch metadata, as {@link #sstFiles(Path, Family)} finds them. */
    public static List<Path> metadataSstFiles(Path directory) {
        return sstFiles(directory, Family.META);
    }

    /** Writes every memtable to SST files, so that what the stash holds is in {@code family}'s files. */
    public void flush() {
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, handles);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SST files that hold {@code family}'s entries now. */
    public List<Path> sstFiles(Family family) {
        List<Path> files = new ArrayList<>();
        for (LiveFileMetaData file : db.getLiveFilesMetaData()) {
            if (new String(file.columnFamilyName(), StandardCharsets.UTF_8).equals(family.columnFamily())) {
                files.add(directory.resolve(file.fileName().replaceFirst("^/", "")));
            }
        }
        return files;
    }

    /**
     * The SST files of a closed stash that hold {@code family}'s entries, told by the column family each file's table
     * properties name: without opening the stash, which would replay its write-ahead log into new files.
     */
    public static List<Path> sstFiles(Path directory, Family family) {
        return sstFiles(directory, family, false);
    }

    private static List<Path> sstFiles(Path directory, Family family, boolean skipUnreadable) {
        List<Path> files = new ArrayList<>();
        RocksDB.loadLibrary();
        try (Stream<Path> listed = Files.list(directory); Options options = new Options()) {
            for (Path file : listed.filter(f -> f.getFileName().toString().endsWith(".sst")).sorted().toList()) {
                try (SstFileReader reader = new SstFileReader(options)) {
                    reader.open(file.toString());
                    String name = new String(reader.getTableProperties().getColumnFamilyName(), StandardCharsets.UTF_8);
                    if (name.equals(family.columnFamily())) {
                        files.add(file);
                    }
                } catch (RocksDBException e) {
                    if (!skipUnreadable) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the SST files of " + directory + ": " + e.getMessage(), e);
        }
        return files;
    }

    /** The newest write-ahead log file of a closed stash, where its last writes went; fails when it has none. */
    public static Path wal(Path directory) {
        try (Stream<Path> listed = Files.list(directory)) {
            return listed.filter(f -> f.getFileName().toString().endsWith(".log")).max(Comparator.naturalOrder())
                .orElseThrow(() -> new IllegalStateException("no write-ahead log in " + directory));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of an SST file's data blocks, which come first in it (its index and properties follow). */
    public static long dataBlockBytes(Path file) {
        try (Options options = new Options(); SstFileReader reader = new SstFileReader(options)) {
            reader.open(file.toString());
            return reader.getTableProperties().getDataSize();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the properties of " + file, e);
        }
    }

    /** Flips the bits of {@code length} bytes of {@code file} from {@code position}, as bit rot would. */
    public static void damage(Path file, long position, int length) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            for (int i = 0; i < length; i++) {
                bytes[(int) position + i] ^= (byte) 0x5a;
            }
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys of a column family, in order, by scanning it whole. */
    public List<byte[]> keys(Family family) {
        List<byte[]> keys = new ArrayList<>();
        try (RocksIterator it = db.newIterator(handle(family))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                keys.add(it.key());
            }
        }
        return keys;
    }

    /** Counts the live keys of a column family by scanning it whole. */
    public long count(Family family) {
        return keys(family).size();
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        try {
            db.syncWal();
            db.closeE();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        } finally {
            options.close();
        }
    }
}
