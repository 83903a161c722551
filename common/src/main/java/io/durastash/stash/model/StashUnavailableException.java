package io.durastash.stash.model;

import org.apache.kafka.connect.errors.RetriableException;

import java.nio.file.Path;

/**
 * The stash cannot take writes now, because its filesystem is full, or a call used a handle the stash replaced after
 * an I/O failure; nothing stashed is lost, and the same call succeeds once there is space again. A
 * {@link RetriableException}: Connect calls {@code put()} again with the same records (the sink), or {@code poll()}
 * again (the source).
 */
public final class StashUnavailableException extends RetriableException {
    private StashUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A write failed for lack of space. */
    public static StashUnavailableException noSpace(StashException failure) {
        return new StashUnavailableException(failure.getMessage(), failure);
    }

    /** A call ran on a handle that failed on I/O and was replaced meanwhile (by another task's call). */
    public static StashUnavailableException replaced(Path path, StashException failure) {
        return new StashUnavailableException("The stash at " + path + " was reopened after an I/O failure ("
            + failure.getMessage() + ") while this call used the old handle; nothing stashed is lost, and it is retried "
            + "on the new one.", failure);
    }

    /** The handle failed on I/O and cannot be opened again for lack of space. */
    public static StashUnavailableException reopening(Path path, StashException reopen) {
        return new StashUnavailableException("The stash at " + path + " cannot take writes: its filesystem is full ("
            + reopen.getMessage() + "). Nothing stashed is lost; the tasks retry and continue once there is space. "
            + "Free disk space, or lower stash.max.bytes and raise stash.min.free.bytes.", reopen);
    }
}
