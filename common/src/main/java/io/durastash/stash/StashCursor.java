package io.durastash.stash;

/** An open iterator over the stash, closed by the stash when it closes first. */
interface StashCursor extends AutoCloseable {
    @Override
    void close();
}
