package io.durastash.stash.internals;

import org.rocksdb.InfoLogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * RocksDB's info log of a read-only handle, sent to this process's log so that RocksDB never writes its LOG file into
 * the stash directory, which a read-only open leaves as it is. Errors only: at lower levels RocksDB warns of what the
 * stash reports itself (a damaged write-ahead log) and of routine events. Its header (version, options) at debug.
 */
final class RocksLog extends org.rocksdb.Logger {
    private static final Logger log = LoggerFactory.getLogger(RocksLog.class);

    private final Path path;

    RocksLog(Path path) {
        super(InfoLogLevel.ERROR_LEVEL);
        this.path = path;
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
        if (level == InfoLogLevel.HEADER_LEVEL) {
            log.debug("Stash {}: RocksDB: {}", path, message);
        } else {
            log.error("Stash {}: RocksDB: {}", path, message);
        }
    }
}
