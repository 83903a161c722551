package io.durastash.stash;

import io.durastash.stash.model.LeftBehindStash;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM-wide, reference-counted registry of open stashes. RocksDB allows one handle per directory
 * per process, so every task that names the same stash directory shares one {@link Stash}; the last
 * to release it closes it (syncing the WAL first). Both connectors ship in one plugin, hence one
 * class loader, so that they see this same registry. A stash released while it held records is remembered as
 * {@linkplain #leftBehind() left behind} and reported ({@link StrandedStashes}) until a task opens it again.
 */
public final class StashRegistry {
    private static final Logger log = LoggerFactory.getLogger(StashRegistry.class);
    private static final StashRegistry JVM = new StashRegistry();

    private final Map<Path, Entry> open = new HashMap<>();
    private final Map<Path, LeftBehindStash> leftBehind = new HashMap<>();
    private final Clock clock;
    private final StrandedStashes stranded;

    private static final class Entry {
        final Stash stash;
        int holders;

        Entry(Stash stash) {
            this.stash = stash;
        }
    }

    /** A registry of its own, for tests; tasks share {@link #jvm()}. */
    public StashRegistry() {
        this(Clock.systemUTC());
    }

    StashRegistry(Clock clock) {
        this.clock = clock;
        this.stranded = new StrandedStashes(clock, this::leftBehind);
    }

    /** The registry shared by everything loaded by this plugin's class loader. */
    public static StashRegistry jvm() {
        return JVM;
    }

    /**
     * Returns a lease on the stash in {@code directory}, opening it if no one holds it. Options apply
     * when the stash is opened; later holders share the open handle as it is.
     */
    public synchronized Lease acquire(Path directory, StashOptions options) {
        Path key = directory.toAbsolutePath().normalize();
        Entry entry = open.get(key);
        if (entry == null) {
            entry = new Entry(Stash.open(key, options));
            open.put(key, entry);
        } else if (entry.stash.isClosed()) {
            throw new IllegalStateException("registered stash " + key + " was closed outside the registry");
        }
        entry.holders++;
        leftBehind.remove(key);
        log.debug("Stash {} acquired; {} holders", key, entry.holders);
        Stash stash = entry.stash;
        return new Lease(stash, () -> release(stash));
    }

    synchronized void release(Stash stash) {
        Entry entry = open.get(stash.path());
        if (entry == null || entry.stash != stash) {
            return;
        }
        entry.holders--;
        log.debug("Stash {} released; {} holders", stash.path(), entry.holders);
        if (entry.holders == 0) {
            open.remove(stash.path());
            StashStats stats = stash.stats();
            stash.close();
            if (stats.liveRecords() > 0) {
                leftBehind.put(stash.path(), new LeftBehindStash(stash.path(), stash.id(), stats.liveRecords(),
                    stats.liveBytes(), clock.millis()));
                stranded.start();
            }
        }
    }

    /** The stashes open now, for health reports. */
    public synchronized List<Stash> openStashes() {
        List<Stash> stashes = new ArrayList<>();
        open.values().forEach(entry -> stashes.add(entry.stash));
        return stashes;
    }

    /**
     * The stashes the last task in this worker let go while they held records, and no task has opened since: nothing
     * here delivers what they hold. For health reports.
     */
    public synchronized List<LeftBehindStash> leftBehind() {
        return List.copyOf(leftBehind.values());
    }

    /** Warns about the stashes left behind long enough, now (the watch does so every few seconds). */
    void reportStranded() {
        stranded.check();
    }

    /** How many holders share the stash in {@code directory}; 0 when it is not open. */
    public synchronized int holders(Path directory) {
        Entry entry = open.get(directory.toAbsolutePath().normalize());
        return entry == null ? 0 : entry.holders;
    }

    /** One holder's share of a stash the registry handed out; closing it releases that share once. */
    public static final class Lease implements AutoCloseable {
        private final Runnable release;
        private final Stash stash;
        private boolean released;

        Lease(Stash stash, Runnable release) {
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
}
