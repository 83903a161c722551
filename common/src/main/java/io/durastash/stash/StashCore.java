package io.durastash.stash;

import io.durastash.stash.internals.DiskUsage;
import io.durastash.stash.internals.StashFailures;
import io.durastash.stash.model.DeliveryGate;
import io.durastash.stash.model.StashDisk;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a {@link Stash}, its {@link SinkLedger}s and its {@link Drainer}s share: the engine in use, replaced here and
 * nowhere else after an I/O failure; the delivery gate the sink side set; the volume the stash's files count against;
 * and how many drainers are alive. Thread-safe.
 */
final class StashCore {
    private static final Logger log = LoggerFactory.getLogger(StashCore.class);

    private final Path path;
    private final StashOptions options;
    private final UUID id;
    private final DiskUsage disk;
    private final Object reopenLock = new Object();
    private final AtomicInteger liveDrainers = new AtomicInteger();
    private volatile StashEngine engine;
    private volatile DeliveryGate gate;
    /** The volume the stash's files count against ({@code stash.volume.bytes}); 0: its filesystem alone. */
    private volatile long volumeBytes;
    private volatile boolean closed;

    StashCore(Path path, StashOptions options) {
        this.path = path;
        this.options = options;
        this.engine = StashEngine.open(path, options);
        this.id = engine.id();
        this.disk = new DiskUsage(path);
        this.gate = unclaimedGate();
    }

    Path path() {
        return path;
    }

    UUID id() {
        return id;
    }

    Clock clock() {
        return options.clock();
    }

    /**
     * The engine to use now: the current one, or, when its handle failed on I/O, a new one recovered from disk. A
     * closed stash keeps its closed engine, whose calls say so.
     *
     * @throws StashUnavailableException when the handle failed for lack of space and cannot be opened again yet
     */
    StashEngine engine() {
        StashEngine current = engine;
        if (current.hardFailure() == null || closed) {
            return current;
        }
        synchronized (reopenLock) {
            if (engine != current || closed) {
                return engine;
            }
            StashException failure = current.hardFailure();
            current.close();
            try {
                engine = StashEngine.open(path, options);
            } catch (StashException e) {
                if (StashFailures.isNoSpace(failure) || StashFailures.isNoSpace(e)) {
                    throw StashUnavailableException.reopening(path, e);
                }
                throw e;
            }
            if (!engine.id().equals(id)) {
                throw new StashException("The stash at " + path + " was replaced by another stash (" + engine.id()
                    + ") while open as " + id + ". Restart the connectors' tasks.");
            }
            log.warn("Stash {} at {}: reopened after an I/O failure ({}); everything written before is there, and batches "
                + "handed out but not acknowledged are delivered again", id, path, failure.getMessage());
            return engine;
        }
    }

    /** The engine in use, failed or not, without replacing it: for figures that may come from a failed handle. */
    StashEngine engineAsIs() {
        return engine;
    }

    DeliveryGate gate() {
        return gate;
    }

    /** Sets the sink side's gate; null when the sink leaves, after which the stash is unclaimed again. */
    void gate(DeliveryGate gate) {
        this.gate = gate == null ? unclaimedGate() : gate;
    }

    private DeliveryGate unclaimedGate() {
        return new UnclaimedGate(path, () -> engine().sinkOffsets().modes(),
            (sink, partition) -> engine().startRuns(sink, List.of(partition)), options.clock());
    }

    /**
     * The stash directory's bytes on disk and the bytes free for it, at most {@code DiskUsage}'s sample interval old:
     * on its filesystem, or within its volume once a sink said how large that is.
     */
    StashDisk disk() {
        StashDisk sampled = disk.sample();
        long volume = volumeBytes;
        return volume > 0 ? new StashDisk(sampled.stashBytes(), sampled.freeBytesWithin(volume)) : sampled;
    }

    void volume(long bytes) {
        this.volumeBytes = bytes;
    }

    void drainerStarted() {
        liveDrainers.incrementAndGet();
    }

    void drainerStopped() {
        liveDrainers.decrementAndGet();
    }

    boolean hasDrainer() {
        return liveDrainers.get() > 0;
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the engine once; returns whether this call closed it. */
    boolean close() {
        synchronized (reopenLock) {
            if (closed) {
                return false;
            }
            closed = true;
            engine.close();
            return true;
        }
    }
}
