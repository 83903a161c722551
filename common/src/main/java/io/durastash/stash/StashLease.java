package io.durastash.stash;

/** One holder's share of a stash handed out by {@link StashRegistry}; closing it releases that share once. */
public final class StashLease implements AutoCloseable {
    private final StashRegistry registry;
    private final Stash stash;
    private boolean released;

    StashLease(StashRegistry registry, Stash stash) {
        this.registry = registry;
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
            registry.release(stash);
        }
    }
}
