package io.durastash.local;

/**
 * Why the stack could not start or keep running, worded for the user: what failed, where to look and what to
 * do. Carries the exit code of the launcher.
 */
final class StackFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Java, a port, a file, the data directory: fix the machine, then run again. */
    static final int ENVIRONMENT = 3;
    /** The broker, the worker or a connector did not come up, or died. */
    static final int STARTUP = 4;

    private final int exitCode;

    StackFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    StackFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static StackFailure environment(String message) {
        return new StackFailure(ENVIRONMENT, message);
    }

    static StackFailure startup(String message) {
        return new StackFailure(STARTUP, message);
    }

    int exitCode() {
        return exitCode;
    }
}
