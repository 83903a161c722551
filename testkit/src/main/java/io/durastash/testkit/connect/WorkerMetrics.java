package io.durastash.testkit.connect;

import com.sun.tools.attach.VirtualMachine;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Connect worker's metrics read over JMX, the way an operator's JMX client reads them: Connect's own task metrics
 * and DuraStash's plugin metrics, {@code kafka.connect:type=plugins,connector=<connector>,task=<task id>}. The worker
 * runs in this JVM (its platform MBean server) or is a process of its own: then this attaches to it through the JDK's
 * attach API and asks it for its local JMX connector, so no JMX port is opened.
 */
public final class WorkerMetrics implements AutoCloseable {
    private final long pid;
    private JMXConnector connector;
    private MBeanServerConnection server;
    private String unavailable;

    private WorkerMetrics(long pid, MBeanServerConnection server) {
        this.pid = pid;
        this.server = server;
    }

    /** The workers running in this JVM. */
    public static WorkerMetrics inThisJvm() {
        return new WorkerMetrics(ProcessHandle.current().pid(), ManagementFactory.getPlatformMBeanServer());
    }

    /** The worker process {@code pid}; attached on first use. */
    public static WorkerMetrics ofProcess(long pid) {
        return new WorkerMetrics(pid, null);
    }

    /** The pattern of a connector's plugin metrics, over all its tasks. */
    public static String pluginMetrics(String connector) {
        return "kafka.connect:type=plugins,connector=" + connector + ",*";
    }

    /**
     * The sum of the numeric {@code attribute} over the MBeans matching {@code objectNamePattern} (NaN values left
     * out); -1 when they cannot be read, 0 when no MBean matches or none has it.
     */
    public double sum(String objectNamePattern, String attribute) {
        List<Double> values = numbers(objectNamePattern, attribute);
        return values == null ? -1 : values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The highest value of the numeric {@code attribute} over the MBeans matching {@code objectNamePattern}: for a
     * gauge every task reports alike (a stash's); -1 when they cannot be read, 0 when no MBean has it.
     */
    public double max(String objectNamePattern, String attribute) {
        List<Double> values = numbers(objectNamePattern, attribute);
        return values == null ? -1 : values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** The attribute's numeric values (NaN left out), or null when the MBeans cannot be read. */
    private List<Double> numbers(String objectNamePattern, String attribute) {
        try {
            MBeanServerConnection mbeans = connect();
            if (mbeans == null) {
                return null;
            }
            List<Double> values = new ArrayList<>();
            for (ObjectName name : mbeans.queryNames(new ObjectName(objectNamePattern), null)) {
                Object value;
                try {
                    value = mbeans.getAttribute(name, attribute);
                } catch (AttributeNotFoundException e) {
                    continue;
                }
                if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    values.add(n.doubleValue());
                }
            }
            return values;
        } catch (Exception e) {
            close();
            return null;
        }
    }

    /** One plugin metric of one task; fails, naming it, when it cannot be read (the task has not registered it). */
    public Object pluginMetric(String connectorName, int task, String metric) {
        try {
            MBeanServerConnection mbeans = connected();
            return mbeans.getAttribute(pluginMBean(mbeans, connectorName, task), metric);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + metric + " of " + connectorName + " task " + task
                + " over JMX: " + e, e);
        }
    }

    /** The names of every plugin metric one task registered, as a JMX client lists its MBean's attributes. */
    public Set<String> pluginMetricNames(String connectorName, int task) {
        try {
            MBeanServerConnection mbeans = connected();
            Set<String> names = new TreeSet<>();
            for (MBeanAttributeInfo attribute : mbeans.getMBeanInfo(pluginMBean(mbeans, connectorName, task))
                .getAttributes()) {
                names.add(attribute.getName());
            }
            return names;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot list the plugin metrics of " + connectorName + " task " + task
                + " over JMX: " + e, e);
        }
    }

    private MBeanServerConnection connected() {
        MBeanServerConnection mbeans = connect();
        if (mbeans == null) {
            throw new IllegalStateException(unavailable);
        }
        return mbeans;
    }

    private static ObjectName pluginMBean(MBeanServerConnection mbeans, String connectorName, int task)
        throws IOException, MalformedObjectNameException {
        // Connect quotes a connector name in an ObjectName only when it must.
        ObjectName name = new ObjectName("kafka.connect:type=plugins,connector=" + ObjectName.quote(connectorName)
            + ",task=" + task);
        if (!mbeans.isRegistered(name)) {
            name = new ObjectName("kafka.connect:type=plugins,connector=" + connectorName + ",task=" + task);
        }
        return name;
    }

    /** {@link #pluginMetric} as a number. */
    public double pluginNumber(String connectorName, int task, String metric) {
        return ((Number) pluginMetric(connectorName, task, metric)).doubleValue();
    }

    /** Why the metrics cannot be read, or null. */
    public String unavailableReason() {
        return unavailable;
    }

    private MBeanServerConnection connect() {
        if (server != null || unavailable != null) {
            return server;
        }
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
                server = connector.getMBeanServerConnection();
            } finally {
                vm.detach();
            }
        } catch (Exception | LinkageError e) {
            unavailable = "cannot attach to the worker JVM (pid " + pid + ") for its metrics: " + e;
        }
        return server;
    }

    /** Closes the connection to a worker process; the next read attaches again. */
    @Override
    public void close() {
        if (connector == null) {
            return;
        }
        try {
            connector.close();
        } catch (IOException ignored) {
            // The worker may be gone already.
        }
        connector = null;
        server = null;
    }
}
