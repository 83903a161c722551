package io.durastash.stash.internals;

import io.durastash.stash.model.StashException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import java.nio.file.Path;
import java.util.Locale;

/** Turns RocksDB's errors into {@link StashException}s that name the stash, what failed and what to do. */
public final class StashFailures {
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

    static StashException openFailure(Path path, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("lock hold by current process")) {
            return new StashException("The stash directory " + path + " is already open in this JVM outside the stash "
                + "registry. Open stashes through StashRegistry so that tasks share one handle.", e);
        }
        if (message.contains("LOCK") || message.toLowerCase().contains("lock file")) {
            return DirectoryLock.lockedByAnotherProcess(path, e);
        }
        return failure(path, "open the stash", e);
    }
}
