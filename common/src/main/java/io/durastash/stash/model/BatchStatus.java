package io.durastash.stash.model;

/** Where a batch is in its life: stashed and waiting to be loaded, or handed to a drainer. */
public enum BatchStatus {
    PENDING,
    LOADED
}
