package io.durastash.tool;

import io.durastash.stash.Stash;

import java.io.IOException;
import java.io.PrintStream;

/** One subcommand of the tool. Its arguments are checked before the stash is opened. */
interface Command {
    /** Everything a command runs with. {@code now} is the time ages are measured to. */
    record Invocation(Stash stash, Arguments args, Output out, PrintStream err, long now) {
    }

    /** Rejects arguments the command does not take, before the stash is opened. */
    void check(Arguments args) throws UsageException;

    /**
     * Whether the command, with these arguments, changes the stash; when not, the stash is opened read-only, and no
     * file in its directory changes.
     */
    default boolean changesStash(Arguments args) {
        return false;
    }

    /** Runs the command; returns the exit code. */
    int run(Invocation invocation) throws UsageException, IOException;
}
