package io.durastash.stash.internals;

import io.durastash.stash.model.StashException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns RocksDB's errors into {@link StashException}s that name the stash, what failed and what to do. */
public final class StashFailures {
    /** A table file that RocksDB names in a corruption it met while opening. */
    private static final Pattern DAMAGED_TABLE = Pattern.compile("(\\S+\\.sst)\\b");

    private StashFailures() {
    }

    /** An I/O failure (a full disk, a failed device) after which RocksDB stops accepting writes on a handle. */
    static boolean isHardFailure(RocksDBException e) {
        Status status = e.getStatus();
        return isFilesystemFull(e) || (status != null && status.getCode() == Status.Code.IOError);
    }

    /**
     * Whether RocksDB ran out of space: the filesystem is full, or it refused a compaction for lack of room (its
     * status {@code CompactionTooLarge}, which RocksJava does not know and reports as {@code Undefined}; the handle
     * still takes writes then).
     */
    static boolean isNoSpace(RocksDBException e) {
        Status status = e.getStatus();
        return isFilesystemFull(e) || (status != null && status.getCode() == Status.Code.Undefined
            && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("compaction too large"));
    }

    private static boolean isFilesystemFull(RocksDBException e) {
        Status status = e.getStatus();
        return String.valueOf(e.getMessage()).contains("No space left")
            || (status != null && status.getSubCode() == Status.SubCode.NoSpace);
    }

    /**
     * Whether {@code failure} is RocksDB finding damage in its own files: a block checksum, a bad block, or a block
     * whose compression type this build does not know (the stash writes only types it has, so that byte was damaged;
     * seen when a read without checksums meets a damaged block).
     */
    public static boolean isCorruption(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RocksDBException && isCorruption(((RocksDBException) t).getStatus())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCorruption(Status status) {
        return status != null && (status.getCode() == Status.Code.Corruption
            || (status.getCode() == Status.Code.NotSupported
            && String.valueOf(status.getState()).startsWith("Compression type not supported")));
    }

    /** Whether {@code failure}, or what caused it, is a filesystem out of space. */
    public static boolean isNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RocksDBException && isNoSpace((RocksDBException) t)) {
                return true;
            }
            if (String.valueOf(t.getMessage()).contains("No space left")) {
                return true;
            }
        }
        return false;
    }

    static StashException failure(Path path, String what, RocksDBException e) {
        if (isNoSpace(e)) {
            return new StashException("Could not " + what + " at " + path + ": the filesystem is full. Nothing "
                + "already stashed is lost, and the tasks retry: they continue once there is space. Free disk space, or "
                + "keep the stash smaller (stash.max.bytes) and more space free (stash.min.free.bytes).", e);
        }
        return new StashException("Could not " + what + " at " + path + ": " + e.getMessage(), e);
    }

    /** Whether the stash's open failed on a damaged table file, not on its write-ahead log. */
    static boolean isDamagedTable(StashException failure) {
        return failure.getCause() instanceof RocksDBException cause && damagedTable(cause) != null;
    }

    /** The table file a corruption that RocksDB met names, or null. */
    private static String damagedTable(RocksDBException e) {
        Matcher table = DAMAGED_TABLE.matcher(String.valueOf(e.getMessage()));
        return isCorruption(e.getStatus()) && table.find() ? table.group(1) : null;
    }

    static StashException openFailure(Path path, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("lock hold by current process")) {
            return new StashException("The stash directory " + path + " is already open in this JVM outside the stash "
                + "registry. Open stashes through StashRegistry so that tasks share one handle.", e);
        }
        if (message.contains("LOCK") || message.toLowerCase().contains("lock file")) {
            return DirectoryLock.lockedByAnotherProcess(path, e);
        }
        String table = damagedTable(e);
        if (table != null) {
            return new StashException("The stash at " + path + " cannot open: RocksDB's file " + table + " is "
                + "damaged where RocksDB keeps the file's index or footer, which it reads when it opens, and which the "
                + "stash cannot step over as it does a damaged block of records (" + message + "). Nothing in the "
                + "directory was changed. With input.commit=delivered or transactional nothing is lost: stop both "
                + "connectors, move the directory away (mv " + path + " " + path + ".damaged) and resume them; the sink "
                + "consumes what the stash held again from the input topics. With input.commit=stashed the records "
                + "only this stash held are lost with the file.", e);
        }
        return failure(path, "open the stash", e);
    }
}
