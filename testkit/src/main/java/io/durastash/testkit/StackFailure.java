package io.durastash.testkit;

/**
 * Why a stack could not start or keep running, worded for whoever runs it: what failed, where to look and what to
 * do. Its {@link Kind} says what is to blame, so that the launcher can choose its exit code.
 */
public final class StackFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What is to blame. */
    public enum Kind {
        /** Java, a port, a file, the data directory: fix the machine, then run again. */
        ENVIRONMENT,
        /** The broker, a worker or a connector did not come up, or died. */
        STARTUP
    }

    private final Kind kind;

    private StackFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static StackFailure environment(String message) {
        return new StackFailure(Kind.ENVIRONMENT, message);
    }

    public static StackFailure startup(String message) {
        return new StackFailure(Kind.STARTUP, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The innermost cause of {@code e}, as "Type: message", for a message that names what really failed. */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName()
            : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
