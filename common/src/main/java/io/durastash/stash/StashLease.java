package io.durastash.stash;

/** One holder's share of a stash the JVM's registry handed out; closing it releases that share once. */
public final class StashLease implements AutoCloseable {
    private final Runnable release;
    private final Stash stash;
    private boolean released;

    StashLease(Stash stash, Runnable release) {
        this.release = release;
        this.stash = stash;
    }

    public Stash stash() {
        if (released) {
            throw new IllegalStateException("the lease on " + stash.path() + " was released");
        }
        return stash;
    }

    @Override
    public synchronized void close() {
        if (!released) {
            released = true;
            release.run();
        }
    }
}
