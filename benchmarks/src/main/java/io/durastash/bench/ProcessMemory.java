package io.durastash.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This JVM's memory as the kernel and the JVM see it: resident set ({@code /proc/self/status}: VmRSS, and its
 * anonymous part RssAnon, which excludes file pages such as the broker's memory-mapped indexes); heap used,
 * committed, and still used right after the latest collection; what the JVM commits outside the heap (metaspace,
 * code cache, ...) and direct buffers. What RssAnon holds beyond those is native memory the JVM does not account
 * for: RocksDB (block cache and memtables, capped by stash.memory.bytes), malloc arenas, thread stacks, GC data.
 */
record ProcessMemory(long rssBytes, long rssAnonBytes, long heapUsedBytes, long heapAfterGcBytes, long heapMaxBytes,
                     long heapCommittedBytes, long nonHeapCommittedBytes, long directBytes) {

    static ProcessMemory now() {
        long rss = -1;
        long anon = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kilobytes(line);
                }
            }
        } catch (IOException e) {
            // not Linux: leave -1
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                direct += pool.getMemoryUsed();
            }
        }
        return new ProcessMemory(rss, anon, heap.getUsed(), heapAfterLastGc(), heap.getMax(), heap.getCommitted(),
            nonHeap.getCommitted(), direct);
    }

    /** Anonymous resident memory the JVM does not account for (see the class comment); negative if not on Linux. */
    long unaccountedNativeBytes() {
        return rssAnonBytes < 0 ? -1 : rssAnonBytes - heapCommittedBytes - nonHeapCommittedBytes - directBytes;
    }

    /** Runs a full collection and returns the heap still used: the live heap. Pauses the JVM for a moment. */
    static long liveHeapAfterFullGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap used right after the most recent collection (young or full): the live heap plus what survived it. */
    private static long heapAfterLastGc() {
        com.sun.management.GcInfo latest = null;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean sun) {
                com.sun.management.GcInfo info = sun.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return -1;
        }
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? latest.getMemoryUsageAfterGc().get(pool.getName()) : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    private static long kilobytes(String statusLine) {
        String[] parts = statusLine.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }

    static long gcCount() {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        return collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    /** Seconds the JIT compilers have spent compiling since the JVM started. */
    static double jitSeconds() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3;
    }

    static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%,.0f MiB", bytes / 1048576.0);
    }
}
