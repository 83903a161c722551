package io.durastash.stash.internals;

import io.durastash.stash.model.StashException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a file in the stash directory, taken before RocksDB opens it. RocksDB's own
 * LOCK file only guards against other processes and other handles of the same native library copy;
 * two copies of DuraStash in one worker (two plugins, or two versions on {@code plugin.path}, each with
 * its own class loader and native library) would both open the stash. The JDK tracks file locks per
 * JVM, whatever the class loader, so the second copy fails here with a message that says why.
 *
 * <p>A read-only open takes the lock shared ({@link #acquireShared}): read-only opens in other processes go along
 * with it, a read-write open does not, either way round. RocksDB would let a read-only handle open beside a live
 * writer, but its view would go stale, and files it has yet to read may be compacted away under it.
 */
final class DirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = "durastash.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static DirectoryLock acquire(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StashException("Cannot create the lock file " + file + " (" + e + "). Give the worker's user write "
                + "access to the stash directory, or point stash.dir at a writable directory.", e);
        }
        return lock(directory, channel, false, "The stash directory " + directory + " is already open in this JVM by "
            + "another copy of DuraStash. Install the sink and source connectors as ONE plugin (one directory or archive "
            + "on plugin.path) and keep only one version of it there, so that all tasks share one stash handle.");
    }

    /**
     * Takes the lock shared, for a read-only open, through a channel that only reads, so that the directory does not
     * change. Without a lock file nothing is locked: no DuraStash holds the directory, since every read-write open
     * creates the file, and none is created here.
     */
    public static AutoCloseable acquireShared(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return () -> { };
        } catch (IOException e) {
            throw new StashException("Cannot read the lock file " + file + " (" + e + "). Give this user read access to "
                + "the stash directory.", e);
        }
        return lock(directory, channel, true, "The stash directory " + directory + " is already open in this JVM. "
            + "Close that handle before opening the stash read-only.");
    }

    /**
     * Takes the lock on {@code channel}'s whole file, {@code shared} or not, without waiting; closes the channel when it
     * cannot. {@code openInThisJvm}: the error when this JVM holds the lock already.
     */
    private static DirectoryLock lock(Path directory, FileChannel channel, boolean shared, String openInThisJvm) {
        try {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            if (lock == null) {
                throw lockedByAnotherProcess(directory, null);
            }
            return new DirectoryLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StashException(openInThisJvm, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e instanceof StashException ? (StashException) e : lockedByAnotherProcess(directory, e);
        }
    }

    public static StashException lockedByAnotherProcess(Path directory, Exception cause) {
        return new StashException("The stash directory " + directory + " is locked by another process: only one process "
            + "may open a stash. Stop the other worker or durastash tool that holds it, or give this connector a "
            + "different stash.dir or stash.name.", cause);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the lock attempt already failed; that is the error worth reporting
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
