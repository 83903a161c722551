package io.durastash.tool;

/** The command line is wrong; the message says how. Exit code {@link StashTool#USAGE}. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
