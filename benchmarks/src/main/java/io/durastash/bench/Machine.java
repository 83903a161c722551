package io.durastash.bench;

import java.lang.management.ManagementFactory;

/** One line that says where a figure was measured: cores, memory, JVM, heap cap, Kafka version. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return String.format("%d cores, %s memory, Java %s (%s), -Xmx %s, Kafka %s, args %s",
            Runtime.getRuntime().availableProcessors(), ProcessMemory.mib(memory), System.getProperty("java.version"),
            System.getProperty("java.vm.name"), ProcessMemory.mib(Runtime.getRuntime().maxMemory()),
            org.apache.kafka.common.utils.AppInfoParser.getVersion(),
            ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}
