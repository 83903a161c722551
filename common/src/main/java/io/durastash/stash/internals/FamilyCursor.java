package io.durastash.stash.internals;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.concurrent.locks.Lock;

/**
 * A RocksDB iterator over a bounded key range of one column family: tombstones outside the range are never
 * scanned. Every step holds the database's lifecycle lock, then the cursor's monitor, so that a cursor never touches
 * a closed handle and may be closed from another thread. A cursor closed under its reader (its stash closed) throws
 * on the next read instead of reading as the end. Safe to close from any thread; read from one.
 */
public final class FamilyCursor implements AutoCloseable {
    /** Receives one entry; the arrays are the caller's to keep. */
    @FunctionalInterface
    public interface Visitor {
        void visit(byte[] key, byte[] value);
    }

    /**
     * Hears of a damaged block stepped over: it held the keys after {@code after} (null: from the range's start) up to
     * {@code to} (exclusive; null: the range's end).
     */
    @FunctionalInterface
    public interface DamageListener {
        void steppedOver(byte[] after, byte[] to, String damage);
    }

    private static final int CHUNK = 1024;

    private final StashDb db;
    private final byte[] lowerKey;
    private final byte[] upperKey;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions readOptions;
    private final StashDb.IteratorFactory iterators;
    private RocksIterator iterator;
    private boolean closed;
    /** Set when nothing past damage could be read: the cursor reads as at its end. */
    private boolean exhausted;
    private byte[] lastRead;

    FamilyCursor(StashDb db, byte[] lower, byte[] upper, boolean fillCache, long readaheadBytes,
                 StashDb.IteratorFactory iterators) {
        this.db = db;
        this.lowerKey = lower;
        this.upperKey = upper;
        this.lower = lower == null ? null : new Slice(lower);
        this.upper = upper == null ? null : new Slice(upper);
        ReadOptions options = new ReadOptions().setFillCache(fillCache);
        if (this.lower != null) {
            options.setIterateLowerBound(this.lower);
        }
        if (this.upper != null) {
            options.setIterateUpperBound(this.upper);
        }
        if (readaheadBytes > 0) {
            options.setReadaheadSize(readaheadBytes);
        }
        this.readOptions = options;
        this.iterators = iterators;
        this.iterator = iterators.open(options);
        this.iterator.seekToFirst();
    }

    /**
     * Hands up to {@code maxEntries} entries to {@code visitor}, stopping early once {@code maxBytes} of values were
     * read, all under one hold of the lock. Returns how many it visited: 0 only at the end of the range.
     *
     * @throws io.durastash.stash.model.StashException when the stash closed under the cursor, or RocksDB fails to read
     */
    public int read(int maxEntries, long maxBytes, Visitor visitor) {
        return read(maxEntries, maxBytes, visitor, 0, null);
    }

    /**
     * As {@link #read(int, long, Visitor)}, stepping over each damaged block ({@link #stepOverDamage}) and telling
     * {@code onDamage} of it; the step reads keys as {@code keyWidth} bytes long.
     */
    public int readPastDamage(int maxEntries, long maxBytes, int keyWidth, Visitor visitor, DamageListener onDamage) {
        return read(maxEntries, maxBytes, visitor, keyWidth, onDamage);
    }

    /** Visits every entry left, {@value #CHUNK} per hold of the lock. */
    public void forEachRemaining(Visitor visitor) {
        forEachReadable(0, visitor, null);
    }

    /** Visits every entry left that can be read, as {@link #readPastDamage} does, {@value #CHUNK} per hold of the lock. */
    public void forEachReadable(int keyWidth, Visitor visitor, DamageListener onDamage) {
        int visited;
        do {
            visited = read(CHUNK, Long.MAX_VALUE, visitor, keyWidth, onDamage);
        } while (visited > 0);
    }

    /** A read that throws on damage when {@code onDamage} is null, and steps over it otherwise. */
    private int read(int maxEntries, long maxBytes, Visitor visitor, int keyWidth, DamageListener onDamage) {
        Lock readLock = db.readLock();
        readLock.lock();
        try {
            synchronized (this) {
                checkOpen();
                int visited = 0;
                long bytes = 0;
                while (true) {
                    while (!exhausted && visited < maxEntries && bytes < maxBytes && iterator.isValid()) {
                        byte[] key = iterator.key();
                        byte[] value = iterator.value();
                        iterator.next();
                        lastRead = key;
                        visitor.visit(key, value);
                        visited++;
                        bytes += value.length;
                    }
                    if (exhausted || iterator.isValid()) {
                        return visited;
                    }
                    try {
                        iterator.status();
                        return visited;
                    } catch (RocksDBException e) {
                        if (onDamage == null || !StashFailures.isCorruption(e)) {
                            throw e;
                        }
                        byte[] after = lastRead;
                        byte[] to = stepOverDamage(keyWidth);
                        onDamage.steppedOver(after, to, db.failure("read the stash", e).getMessage());
                    }
                }
            }
        } catch (RocksDBException e) {
            throw db.failure("read the stash", e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Moves to the last entry at or before {@code key}, or to the first entry when there is none: where a read that
     * must include the entry holding {@code key}'s position starts.
     */
    public void seekAtOrBefore(byte[] key) {
        Lock readLock = db.readLock();
        readLock.lock();
        try {
            synchronized (this) {
                checkOpen();
                iterator.seekForPrev(key);
                if (!iterator.isValid()) {
                    iterator.status();
                    iterator.seekToFirst();
                }
            }
        } catch (RocksDBException e) {
            throw db.failure("read the stash", e);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * After a read failed on damage: moves past the damaged block that follows the last entry read (or the range's
     * start) and returns the first key after it, or null when nothing readable follows in the range (the cursor then
     * reads as at its end). The block is found without parsing it: a seek with RocksDB's checksums on fails for the
     * keys it holds and succeeds past them, so a binary search over the keys {@code keyWidth} bytes long, read as
     * unsigned numbers, finds its end in at most that many bits of seeks. Each seek is a new iterator's: one that has
     * failed may answer a later seek from what it held before. Called holding the lock and the monitor.
     */
    private byte[] stepOverDamage(int keyWidth) throws RocksDBException {
        // The range's end counts as readable without a seek: RocksDB does not seek at or past an upper bound.
        BigInteger end = upperKey != null && upperKey.length == keyWidth ? new BigInteger(1, upperKey)
            : BigInteger.ONE.shiftLeft(8 * keyWidth);
        BigInteger damaged = lastRead != null
            ? new BigInteger(1, Arrays.copyOf(lastRead, keyWidth)).add(BigInteger.ONE)
            : lowerKey != null ? new BigInteger(1, Arrays.copyOf(lowerKey, keyWidth)) : BigInteger.ZERO;
        BigInteger readable = end;
        if (damaged.compareTo(end) < 0 && seeksCleanly(key(damaged, keyWidth))) {
            readable = damaged;
        }
        while (readable.subtract(damaged).compareTo(BigInteger.ONE) > 0) {
            BigInteger middle = damaged.add(readable).shiftRight(1);
            if (seeksCleanly(key(middle, keyWidth))) {
                readable = middle;
            } else {
                damaged = middle;
            }
        }
        iterator.close();
        iterator = iterators.open(readOptions);
        if (readable.compareTo(end) >= 0) {
            exhausted = true;
            return null;
        }
        iterator.seek(key(readable, keyWidth));
        return iterator.isValid() ? iterator.key() : null;
    }

    /** Whether a seek to {@code key} reads no damaged block, asked of a new iterator. */
    private boolean seeksCleanly(byte[] key) throws RocksDBException {
        try (RocksIterator probe = iterators.open(readOptions)) {
            probe.seek(key);
            if (!probe.isValid()) {
                probe.status();
            }
            return true;
        } catch (RocksDBException e) {
            if (StashFailures.isCorruption(e)) {
                return false;
            }
            throw e;
        }
    }

    private static byte[] key(BigInteger number, int width) {
        byte[] bytes = number.toByteArray();
        byte[] key = new byte[width];
        int length = Math.min(bytes.length, width);
        System.arraycopy(bytes, bytes.length - length, key, width - length, length);
        return key;
    }

    private void checkOpen() {
        if (closed) {
            db.ensureOpen();
            throw new IllegalStateException("the cursor over the stash at " + db.path() + " is closed");
        }
    }

    @Override
    public void close() {
        Lock readLock = db.readLock();
        readLock.lock();
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                iterator.close();
                readOptions.close();
                if (lower != null) {
                    lower.close();
                }
                if (upper != null) {
                    upper.close();
                }
            }
        } finally {
            readLock.unlock();
            db.cursorClosed(this);
        }
    }
}
