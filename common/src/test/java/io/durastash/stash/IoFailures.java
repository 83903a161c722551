package io.durastash.stash;

import io.durastash.stash.model.StashException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** I/O failures recorded on a stash's handle as a failed RocksDB write would record them, for tests. */
final class IoFailures {
    private IoFailures() {
    }

    /** The filesystem was full when {@code what} ran. */
    static StashException noSpace(Stash stash, String what) {
        return stash.db().failure(what, new RocksDBException("No space left on device",
            new Status(Status.Code.IOError, Status.SubCode.NoSpace, "No space left on device")));
    }

    /** An I/O error, not for lack of space, when {@code what} ran. */
    static StashException ioError(Stash stash, String what) {
        return stash.db().failure(what, new RocksDBException("Input/output error",
            new Status(Status.Code.IOError, Status.SubCode.None, "")));
    }
}
