package io.durastash.stash;

import io.durastash.stash.model.LeftBehindStash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.List;

/**
 * Reports the stashes a worker left behind ({@link LeftBehindStash}) once they have been left for
 * {@link #REPORT_AFTER_MS}: a WARN with the fix, repeated every {@link #REPEAT_MS}, and an MBean per stash,
 * {@code io.durastash:type=stranded-stash,path="<path>"}, with its records, bytes and how long it has been left, for
 * the JMX exporter ({@code durastash_stranded_stash_*}). Runs on a daemon thread of its own every
 * {@link #CHECK_MS}, so that it reports also when no DuraStash task is left in the worker. Thread-safe.
 */
final class StrandedStashes {
    private static final Logger log = LoggerFactory.getLogger(StrandedStashes.class);
    static final long REPORT_AFTER_MS = 60_000;
    static final long REPEAT_MS = 10 * 60_000;
    static final long CHECK_MS = 10_000;
    static final String DOMAIN = "io.durastash";

    private final Clock clock;
    private final Supplier<List<LeftBehindStash>> leftBehind;
    private final Map<LeftBehindStash, Long> warned = new HashMap<>();
    private final Map<LeftBehindStash, ObjectName> registered = new HashMap<>();
    private Thread thread;

    StrandedStashes(Clock clock, Supplier<List<LeftBehindStash>> leftBehind) {
        this.clock = clock;
        this.leftBehind = leftBehind;
    }

    /** Starts the checks on a daemon thread, once. */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(CHECK_MS);
                    check();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.debug("Checking the stashes left behind failed: {}", e.toString());
                }
            }
        }, "durastash-stranded-stashes");
        thread.setDaemon(true);
        thread.start();
    }

    /** Warns about, and exposes, the stashes left long enough; forgets those taken up again. */
    synchronized void check() {
        long now = clock.millis();
        List<LeftBehindStash> current = leftBehind.get();
        warned.keySet().retainAll(current);
        registered.entrySet().removeIf(entry -> {
            if (!current.contains(entry.getKey())) {
                unregister(entry.getValue());
                return true;
            }
            return false;
        });
        for (LeftBehindStash stash : current) {
            long left = now - stash.since();
            if (left < REPORT_AFTER_MS) {
                continue;
            }
            Long last = warned.get(stash);
            if (last == null || now - last >= REPEAT_MS) {
                warned.put(stash, now);
                log.warn("Stash {} at {} has held {} records ({} bytes) for {} s and no DuraStash task in this worker "
                    + "uses it: nothing here delivers them. {}", stash.id(), stash.path(), stash.records(),
                    stash.bytes(), left / 1000, stash.fix());
            }
            registered.computeIfAbsent(stash, this::register);
        }
    }

    private ObjectName register(LeftBehindStash stash) {
        try {
            ObjectName name = new ObjectName(DOMAIN + ":type=stranded-stash,path=" + ObjectName.quote(stash.path().toString()));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (!server.isRegistered(name)) {
                server.registerMBean(new javax.management.StandardMBean(new StrandedStashMBean() {
                    @Override
                    public String getPath() {
                        return stash.path().toString();
                    }

                    @Override
                    public long getRecords() {
                        return stash.records();
                    }

                    @Override
                    public long getBytes() {
                        return stash.bytes();
                    }

                    @Override
                    public long getStrandedMs() {
                        return clock.millis() - stash.since();
                    }
                }, StrandedStashMBean.class), name);
            }
            return name;
        } catch (Exception e) {
            log.debug("Could not register the MBean of stranded stash {}: {}", stash.path(), e.toString());
            return null;
        }
    }

    private static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (Exception e) {
            log.debug("Could not unregister {}: {}", name, e.toString());
        }
    }
}
