package io.durastash.integration;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * Reads DuraStash's plugin metrics the way an operator's JMX client does. The embedded workers run in this
 * JVM and register their metrics in its platform MBean server, under
 * {@code kafka.connect:type=plugins,connector=<connector>,task=<task id>}.
 */
final class Jmx {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private Jmx() {
    }

    static Object attribute(String connector, int task, String metric) {
        try {
            ObjectName name = new ObjectName("kafka.connect:type=plugins,connector=" + ObjectName.quote(connector)
                + ",task=" + task);
            if (!SERVER.isRegistered(name)) {
                name = new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",task=" + task);
            }
            return SERVER.getAttribute(name, metric);
        } catch (Exception e) {
            throw new AssertionError("Cannot read " + metric + " of " + connector + " task " + task + " over JMX", e);
        }
    }

    static double number(String connector, int task, String metric) {
        return ((Number) attribute(connector, task, metric)).doubleValue();
    }
}
