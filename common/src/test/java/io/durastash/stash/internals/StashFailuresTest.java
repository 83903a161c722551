package io.durastash.stash.internals;

import io.durastash.stash.model.StashException;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashFailuresTest {
    private static StashException wrapped(Status.Code code, String state) {
        return new StashException("Could not read the stash", new RocksDBException(state,
            new Status(code, Status.SubCode.None, state)));
    }

    @Test
    void aBlockChecksumMismatchIsDamage() {
        assertTrue(StashFailures.isCorruption(wrapped(Status.Code.Corruption, "block checksum mismatch")));
    }

    @Test
    void aBlockOfAnUnknownCompressionTypeIsDamage() {
        // Seen in FileDamageFaultTest: a damaged meta SST read without checksums.
        assertTrue(StashFailures.isCorruption(wrapped(Status.Code.NotSupported,
            "Compression type not supported or not built-in: Reserved5E")));
    }

    @Test
    void otherFailuresAreNot() {
        assertFalse(StashFailures.isCorruption(wrapped(Status.Code.NotSupported, "Not implemented")));
        assertFalse(StashFailures.isCorruption(wrapped(Status.Code.IOError, "Input/output error")));
        assertFalse(StashFailures.isCorruption(new IllegalStateException("closed")));
    }

    @Test
    void aCompactionRefusedForLackOfRoomIsAFullDiskThatLeavesTheHandleUsable() {
        // RocksDB's CompactionTooLarge, a status code RocksJava does not map: it arrives as Undefined.
        StashException failure = wrapped(Status.Code.Undefined, "Compaction too large: ");
        assertTrue(StashFailures.isNoSpace(failure));
        assertFalse(StashFailures.isHardFailure((RocksDBException) failure.getCause()), "the handle takes writes");
        assertFalse(StashFailures.isNoSpace(wrapped(Status.Code.Undefined, "something else")));
    }
}
