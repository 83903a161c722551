package io.durastash.stash.internals;

import io.durastash.stash.StashException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import java.nio.file.Path;

/** Turns RocksDB's errors into {@link StashException}s that name the stash, what failed and what to do. */
final class StashFailures {
    private StashFailures() {
    }

    /** An I/O failure (a full disk, a failed device) after which RocksDB stops accepting writes on a handle. */
    static boolean isHardFailure(RocksDBException e) {
        Status status = e.getStatus();
        return isNoSpace(e) || (status != null && status.getCode() == Status.Code.IOError);
    }

    static boolean isNoSpace(RocksDBException e) {
        Status status = e.getStatus();
        return String.valueOf(e.getMessage()).contains("No space left")
            || (status != null && status.getSubCode() == Status.SubCode.NoSpace);
    }

    static StashException failure(Path path, String what, RocksDBException e) {
        if (isNoSpace(e)) {
            return new StashException("Could not " + what + " at " + path + ": the filesystem is full. Nothing "
                + "already stashed is lost. Free disk space (a lower stash.max.bytes keeps the stash smaller), then "
                + "restart the connector's tasks: they reopen the stash.", e);
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
