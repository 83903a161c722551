package io.durastash.stash;

/**
 * The stash on its disk: the bytes its directory holds (RocksDB's files, WAL included) and the bytes free on its
 * filesystem for the worker's user.
 */
public record StashDisk(long stashBytes, long freeBytes) {
}
