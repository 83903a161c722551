package io.durastash.stash.model;

/**
 * The stash on its disk: the bytes its directory holds (RocksDB's files, WAL included) and the bytes free on its
 * filesystem for the worker's user.
 */
public record StashDisk(long stashBytes, long freeBytes) {
    /**
     * The bytes free for the stash on a volume of {@code volumeBytes} that its files alone count against (a Kubernetes
     * {@code emptyDir} with a {@code sizeLimit}, say, on a larger node disk): what the volume has left after the
     * stash's files, or the filesystem's free bytes when those are fewer. {@link #freeBytes()} when 0 (no volume).
     */
    public long freeBytesWithin(long volumeBytes) {
        return volumeBytes > 0 ? Math.min(freeBytes, Math.max(0, volumeBytes - stashBytes)) : freeBytes;
    }
}
