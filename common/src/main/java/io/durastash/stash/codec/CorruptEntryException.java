package io.durastash.stash.codec;

/** A stored entry failed its checksum or could not be decoded. */
public class CorruptEntryException extends RuntimeException {
    public CorruptEntryException(String message) {
        super(message);
    }

    public CorruptEntryException(String message, Throwable cause) {
        super(message, cause);
    }
}
