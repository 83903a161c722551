package io.durastash.connect;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Time;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plugin metrics as a Connect worker builds them for one task: Kafka's own {@link PluginMetricsImpl} on a
 * {@link Metrics} registry reported over JMX under the {@code kafka.connect} domain, tagged with the connector and
 * task. Lets tests read what a worker would expose.
 */
public final class WorkerPluginMetrics implements AutoCloseable {
    public static final String JMX_DOMAIN = "kafka.connect";

    private final Metrics metrics;
    private final PluginMetricsImpl plugin;
    private final String connector;
    private final String task;

    public WorkerPluginMetrics(String connector, int task) {
        this.metrics = new Metrics(new MetricConfig(), List.of(new JmxReporter()), Time.SYSTEM,
            new KafkaMetricsContext(JMX_DOMAIN));
        this.connector = connector;
        this.task = Integer.toString(task);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", this.task);
        this.plugin = new PluginMetricsImpl(metrics, tags);
    }

    public PluginMetricsImpl pluginMetrics() {
        return plugin;
    }

    /**
     * The plugin metrics of this task's next instance: the worker starts the task again (a rebalance, a restart)
     * while this instance, whose stop outlasted {@code task.shutdown.graceful.timeout.ms}, still holds its metrics.
     */
    public PluginMetricsImpl nextInstance() {
        return new PluginMetricsImpl(metrics, Map.of("connector", connector, "task", task));
    }

    /** The current value of the plugin metric {@code name} of this task; null when there is none. */
    public Object value(String name) {
        KafkaMetric metric = metric(name);
        return metric == null ? null : metric.metricValue();
    }

    public double number(String name) {
        Object value = value(name);
        if (!(value instanceof Number)) {
            throw new AssertionError("no numeric metric " + name + " (got " + value + "); metrics: " + names());
        }
        return ((Number) value).doubleValue();
    }

    private KafkaMetric metric(String name) {
        for (Map.Entry<MetricName, KafkaMetric> e : metrics.metrics().entrySet()) {
            MetricName metricName = e.getKey();
            if (metricName.name().equals(name) && metricName.group().equals("plugins")
                && connector.equals(metricName.tags().get("connector")) && task.equals(metricName.tags().get("task"))) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The names of this task's plugin metrics. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (MetricName metricName : metrics.metrics().keySet()) {
            if (metricName.group().equals("plugins") && connector.equals(metricName.tags().get("connector"))
                && task.equals(metricName.tags().get("task"))) {
                names.add(metricName.name());
            }
        }
        return names;
    }

    /** The JMX object name a worker gives this task's plugin metrics. */
    public ObjectName objectName() throws Exception {
        return new ObjectName(JMX_DOMAIN + ":type=plugins,connector=" + connector + ",task=" + task);
    }

    /** Reads an attribute of this task's plugin metrics MBean from the platform MBean server, as JMX clients do. */
    public Object jmx(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return server.getAttribute(objectName(), attribute);
    }

    /** Closes the task's plugin metrics (as the worker does after the task stopped) and the registry. */
    @Override
    public void close() {
        try {
            plugin.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        metrics.close();
    }
}
