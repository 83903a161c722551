package io.durastash.testkit.cli;

/** A command line that is not accepted; the message says what to change. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
