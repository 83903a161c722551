package io.durastash.local;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.util.Set;

/**
 * Connect's own task metrics from the worker JVM, read over JMX. The launcher attaches to its child through the
 * JDK's attach API and asks it for its local JMX connector, so no JMX port is opened.
 */
final class WorkerMetrics implements AutoCloseable {
    private final long pid;
    private JMXConnector connector;
    private MBeanServerConnection server;
    private String unavailable;

    WorkerMetrics(long pid) {
        this.pid = pid;
    }

    /**
     * The sum of Connect's {@code source-record-write-total} over the tasks of {@code connector}: records that Kafka
     * acknowledged, for which Connect called the task's {@code commitRecord} (it counts a poll's records once all of
     * them are acknowledged). Counted since the worker started. -1 when the metric cannot be read.
     */
    long sourceRecordsAcknowledged(String connector) {
        try {
            MBeanServerConnection mbeans = connect();
            if (mbeans == null) {
                return -1;
            }
            Set<ObjectName> tasks = mbeans.queryNames(new ObjectName(
                "kafka.connect:type=source-task-metrics,connector=" + connector + ",task=*"), null);
            double total = 0;
            for (ObjectName task : tasks) {
                Object value = mbeans.getAttribute(task, "source-record-write-total");
                if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    total += n.doubleValue();
                }
            }
            return (long) total;
        } catch (Exception e) {
            close();
            return -1;
        }
    }

    /**
     * The sum of the numeric {@code attribute} over the MBeans matching {@code objectNamePattern} (e.g. DuraStash's
     * plugin metrics, {@code kafka.connect:type=plugins,connector=<name>,*}); -1 when they cannot be read, 0 when no
     * MBean matches.
     */
    double sum(String objectNamePattern, String attribute) {
        try {
            MBeanServerConnection mbeans = connect();
            if (mbeans == null) {
                return -1;
            }
            double total = 0;
            for (ObjectName name : mbeans.queryNames(new ObjectName(objectNamePattern), null)) {
                Object value;
                try {
                    value = mbeans.getAttribute(name, attribute);
                } catch (javax.management.AttributeNotFoundException e) {
                    continue;
                }
                if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    total += n.doubleValue();
                }
            }
            return total;
        } catch (Exception e) {
            close();
            return -1;
        }
    }

    /** Why the metrics are unavailable, or null. */
    String unavailableReason() {
        return unavailable;
    }

    private MBeanServerConnection connect() {
        if (server != null || unavailable != null) {
            return server;
        }
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                String address = vm.startLocalManagementAgent();
                connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
                server = connector.getMBeanServerConnection();
            } finally {
                vm.detach();
            }
        } catch (Exception | LinkageError e) {
            unavailable = "cannot attach to the worker JVM (pid " + pid + ") for its metrics: " + e;
        }
        return server;
    }

    @Override
    public void close() {
        if (connector != null) {
            try {
                connector.close();
            } catch (IOException ignored) {
                // The worker may be gone already.
            }
        }
        connector = null;
        server = null;
    }
}
