package io.durastash.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A wall-clock profiler for the Connect task threads of a run: every few milliseconds it takes the stack of each
 * thread that runs a sink or source task ({@code WorkerSinkTask.execute} / {@code AbstractWorkerSourceTask.execute}
 * on the stack), whether it is running, blocked or waiting, and counts, per role, the samples each method is on
 * the stack in. A JFR execution profile shows where CPU goes; this shows where a task thread's time goes,
 * including the time it waits for a WAL sync, a lock or a batch, which is what bounds a pipeline's throughput.
 * Also prints the CPU time of every thread group over the run.
 */
final class TaskThreadSampler implements AutoCloseable {
    private static final int DEPTH = 80;
    private static final String SINK_MARK = "org.apache.kafka.connect.runtime.WorkerSinkTask.execute";
    private static final String SOURCE_MARK = "org.apache.kafka.connect.runtime.AbstractWorkerSourceTask.execute";
    /** The methods whose share {@link #printTimeline} shows second by second. */
    private static final List<String> TIMELINE = List.of(
        "org.rocksdb.RocksDB.write0",
        "org.apache.kafka.clients.consumer.KafkaConsumer.poll",
        "io.durastash.stash.Stash.awaitLoadable",
        "org.apache.kafka.connect.runtime.AbstractWorkerSourceTask.sendRecords");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long periodNanos;
    private final Map<String, Map<String, Integer>> inclusive = new TreeMap<>();
    private final Map<String, Map<String, Integer>> leaves = new TreeMap<>();
    private final Map<String, Integer> samples = new TreeMap<>();
    private final Map<Long, Long> cpuAtStart = new HashMap<>();
    private final Map<String, Double> cpu = new HashMap<>();
    private final double processCpuAtStart = ProcessMemory.processCpuSeconds();
    private double processCpu;
    /** Per role, per second since the start: samples, and samples with each {@link #TIMELINE} method on the stack. */
    private final Map<String, Map<Integer, int[]>> timeline = new TreeMap<>();
    private final long startNanos = System.nanoTime();
    private final Thread sampler;
    private volatile boolean running = true;

    TaskThreadSampler(long periodMillis) {
        this.periodNanos = periodMillis * 1_000_000L;
        for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
            cpuAtStart.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
        }
        sampler = new Thread(this::sample, "task-thread-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        long[] taskThreads = new long[0];
        long nextDiscovery = 0;
        while (running) {
            if (System.nanoTime() >= nextDiscovery) {
                taskThreads = discoverTaskThreads();
                nextDiscovery = System.nanoTime() + 200_000_000L;
            }
            for (ThreadInfo info : threads.getThreadInfo(taskThreads, DEPTH)) {
                if (info != null) {
                    record(info);
                }
            }
            long until = System.nanoTime() + periodNanos;
            while (running && System.nanoTime() < until) {
                try {
                    Thread.sleep(Math.max(1, periodNanos / 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The threads that run a Connect task now (the worker's pool threads change tasks between runs). */
    private long[] discoverTaskThreads() {
        List<Long> ids = new ArrayList<>();
        for (ThreadInfo info : threads.dumpAllThreads(false, false, DEPTH)) {
            if (role(info.getStackTrace()) != null) {
                ids.add(info.getThreadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private void record(ThreadInfo info) {
        StackTraceElement[] stack = info.getStackTrace();
        String role = role(stack);
        if (role == null) {
            return;
        }
        samples.merge(role, 1, Integer::sum);
        Map<String, Integer> counts = inclusive.computeIfAbsent(role, r -> new HashMap<>());
        Set<String> seen = new HashSet<>();
        for (StackTraceElement frame : stack) {
            String method = frame.getClassName() + "." + frame.getMethodName();
            if (seen.add(method)) {
                counts.merge(method, 1, Integer::sum);
            }
        }
        int second = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
        int[] slot = timeline.computeIfAbsent(role, r -> new TreeMap<>())
            .computeIfAbsent(second, k -> new int[TIMELINE.size() + 1]);
        slot[0]++;
        for (int i = 0; i < TIMELINE.size(); i++) {
            if (seen.contains(TIMELINE.get(i))) {
                slot[i + 1]++;
            }
        }
        String leaf = info.getThreadState() + " " + (stack.length == 0 ? "?" : stack[0].getClassName() + "."
            + stack[0].getMethodName() + (stack.length > 1 ? " < " + stack[1].getClassName() + "."
            + stack[1].getMethodName() : ""));
        leaves.computeIfAbsent(role, r -> new HashMap<>()).merge(leaf, 1, Integer::sum);
    }

    private static String role(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String method = frame.getClassName() + "." + frame.getMethodName();
            if (method.equals(SINK_MARK)) {
                return "sink task thread";
            }
            if (method.equals(SOURCE_MARK)) {
                return "source task thread";
            }
        }
        return null;
    }

    /** Stops sampling and prints, per role, the methods on the stack in at least {@code minPercent} of the samples. */
    void report(double minPercent) {
        stop();
        double javaThreads = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("  CPU seconds over the run: process %.2f s, Java threads %.2f s, other threads (GC, JIT, RocksDB "
            + "flush and compaction) %.2f s; by Java thread (threads named alike are added up):%n", processCpu, javaThreads,
            processCpu - javaThreads);
        cpu.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(15)
            .forEach(e -> System.out.printf("    %6.2f s  %s%n", e.getValue(), e.getKey()));
        for (String role : samples.keySet()) {
            int total = samples.get(role);
            System.out.printf("  %s: %d samples; wall-clock share of the methods on its stack:%n", role, total);
            print(inclusive.get(role), total, minPercent);
            System.out.printf("  %s: top frames (thread state, method < caller):%n", role);
            print(leaves.get(role), total, minPercent);
        }
    }

    /** Second by second since the sampler started: the share of each {@link #TIMELINE} method, per role. */
    void printTimeline() {
        stop();
        System.out.println("  timeline: % of each task thread's samples with the method on its stack, per second (columns: "
            + TIMELINE.stream().map(m -> m.substring(m.lastIndexOf('.', m.lastIndexOf('.') - 1) + 1)).toList() + ")");
        timeline.forEach((role, seconds) -> seconds.forEach((second, slot) -> {
            StringBuilder line = new StringBuilder(String.format("    %-18s %4d s", role, second));
            for (int i = 1; i < slot.length; i++) {
                line.append(String.format(" %4.0f", 100.0 * slot[i] / slot[0]));
            }
            System.out.println(line);
        }));
    }

    private static void print(Map<String, Integer> counts, int total, double minPercent) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> entry : entries) {
            double percent = 100.0 * entry.getValue() / total;
            if (percent < minPercent) {
                break;
            }
            if (!boring(entry.getKey())) {
                System.out.printf("    %5.1f%%  %s%n", percent, entry.getKey());
            }
        }
    }

    /** Frames every sample of a role has (thread pool and class-loader plumbing). */
    private static boolean boring(String method) {
        return method.startsWith("java.util.concurrent.ThreadPoolExecutor") || method.startsWith("java.lang.Thread.run")
            || method.startsWith("java.util.concurrent.FutureTask") || method.startsWith("java.util.concurrent.Executors")
            || method.contains("$$Lambda") || method.contains("Plugins.lambda$withClassLoader");
    }

    private static String group(String threadName) {
        return threadName.replaceAll("\\d+", "N");
    }

    /** Stops sampling and takes the threads' CPU times; {@link #report} prints what was seen until now. */
    void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            sampler.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processCpu = ProcessMemory.processCpuSeconds() - processCpuAtStart;
        for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
            long now = threads.getThreadCpuTime(info.getThreadId());
            long before = cpuAtStart.getOrDefault(info.getThreadId(), 0L);
            if (now > 0) {
                cpu.merge(group(info.getThreadName()), (now - before) / 1e9, Double::sum);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
