package io.durastash.connect;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Meter;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The metrics one task registers with Connect's plugin metrics (KIP-877, Kafka 4.1+), which the worker reports
 * under the task's {@code connector} and {@code task} tags (JMX: {@code kafka.connect:type=plugins,connector=..,task=..}).
 * On a runtime without plugin metrics the group is disabled: registering and recording do nothing. {@link #close()}
 * removes everything it registered.
 *
 * <p>A task's metric names are its own, but not its instance's: when a task's stop outlasts the worker's
 * {@code task.shutdown.graceful.timeout.ms}, Connect gives up on that instance and may start the task again at once
 * (a rebalance, a restart) while the old one still holds the names in the worker's one registry. The newest instance
 * takes them over, closing the abandoned instance's group, instead of failing its start on a name that exists.
 */
public final class PluginMetricsGroup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PluginMetricsGroup.class);

    /** Records values into a sensor; does nothing when metrics are off. */
    @FunctionalInterface
    public interface Recorder {
        Recorder NONE = value -> { };

        void record(double value);
    }

    /**
     * Which group of this plugin registered each metric name still registered: the instance that owns it. Also the
     * lock of every registration and release, so that a new instance closing an abandoned one, while that one still
     * registers, cannot deadlock with it.
     */
    private static final Map<MetricName, PluginMetricsGroup> OWNERS = new HashMap<>();

    private final PluginMetrics metrics;
    /** Sensors live in the worker's one Metrics registry, whose sensor names are global: this keeps ours apart. */
    private final String sensorPrefix = "durastash-" + UUID.randomUUID() + "-";
    private final List<MetricName> metricNames = new ArrayList<>();
    /** Every metric name of this group, its gauges' and its sensors': what it owns in {@link #OWNERS}. */
    private final List<MetricName> ownedNames = new ArrayList<>();
    private final List<String> sensorNames = new ArrayList<>();
    private boolean closed;

    private PluginMetricsGroup(PluginMetrics metrics) {
        this.metrics = metrics;
    }

    /** A group on {@code metrics}; disabled when it is null. */
    public static PluginMetricsGroup of(PluginMetrics metrics) {
        return new PluginMetricsGroup(metrics);
    }

    public static PluginMetricsGroup disabled() {
        return new PluginMetricsGroup(null);
    }

    /** The sink task's plugin metrics, or a disabled group (with one INFO line) on a runtime without them. */
    public static PluginMetricsGroup forTask(SinkTaskContext context, String owner) {
        try {
            return available(context.pluginMetrics(), owner);
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return unavailable(owner, e);
        }
    }

    /** The source task's plugin metrics, or a disabled group (with one INFO line) on a runtime without them. */
    public static PluginMetricsGroup forTask(SourceTaskContext context, String owner) {
        try {
            return available(context.pluginMetrics(), owner);
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return unavailable(owner, e);
        }
    }

    private static PluginMetricsGroup available(PluginMetrics metrics, String owner) {
        if (metrics == null) {
            log.info("{}: the Connect runtime provides no plugin metrics; DuraStash metrics are off", owner);
            return disabled();
        }
        return of(metrics);
    }

    private static PluginMetricsGroup unavailable(String owner, LinkageError e) {
        log.info("{}: this Connect runtime predates plugin metrics (KIP-877, Kafka 4.1); DuraStash metrics are off ({})",
            owner, e.toString());
        return disabled();
    }

    public boolean enabled() {
        return metrics != null;
    }

    /** A numeric gauge, read when the metric is reported. */
    public void gauge(String name, String description, DoubleSupplier value) {
        synchronized (OWNERS) {
            if (metrics == null || closed) {
                return;
            }
            MetricName metricName = owned(name, description);
            metrics.addMetric(metricName, (Measurable) (config, now) -> value.getAsDouble());
            metricNames.add(metricName);
        }
    }

    /** A text gauge (for example the stash path), read when the metric is reported. */
    public void textGauge(String name, String description, Supplier<String> value) {
        synchronized (OWNERS) {
            if (metrics == null || closed) {
                return;
            }
            MetricName metricName = owned(name, description);
            metrics.addMetric(metricName, (Gauge<String>) (config, now) -> value.get());
            metricNames.add(metricName);
        }
    }

    /**
     * A rate and a running total of what is recorded: {@code <name>-rate} (per second, over the worker's metrics
     * window) and {@code <name>-total}.
     */
    public Recorder meter(String name, String rateDescription, String totalDescription) {
        synchronized (OWNERS) {
            Sensor sensor = sensor(name);
            if (sensor == null) {
                return Recorder.NONE;
            }
            sensor.add(new Meter(owned(name + "-rate", rateDescription), owned(name + "-total", totalDescription)));
            return sensor::record;
        }
    }

    /** A running total of what is recorded: {@code <name>-total}. */
    public Recorder total(String name, String description) {
        synchronized (OWNERS) {
            Sensor sensor = sensor(name);
            if (sensor == null) {
                return Recorder.NONE;
            }
            sensor.add(owned(name + "-total", description), new CumulativeSum());
            return sensor::record;
        }
    }

    /** The average and the maximum of recorded times in milliseconds: {@code <name>-avg-ms} and {@code <name>-max-ms}. */
    public Recorder timer(String name, String avgDescription, String maxDescription) {
        synchronized (OWNERS) {
            Sensor sensor = sensor(name);
            if (sensor == null) {
                return Recorder.NONE;
            }
            sensor.add(owned(name + "-avg-ms", avgDescription), new Avg());
            sensor.add(owned(name + "-max-ms", maxDescription), new Max());
            return sensor::record;
        }
    }

    private Sensor sensor(String name) {
        if (metrics == null || closed) {
            return null;
        }
        String sensorName = sensorPrefix + name;
        Sensor sensor = metrics.addSensor(sensorName);
        sensorNames.add(sensorName);
        return sensor;
    }

    /**
     * The metric name {@code name} of this task, taken over from an abandoned instance of the task that still holds it
     * (its whole group is closed: Connect has given up on it). Its metrics are only removed once it is registered to
     * this group, whose own names {@link #close()} removes.
     */
    private MetricName owned(String name, String description) {
        MetricName metricName = metrics.metricName(name, description, new LinkedHashMap<>());
        PluginMetricsGroup previous = OWNERS.put(metricName, this);
        ownedNames.add(metricName);
        if (previous != null && previous != this && previous.release()) {
            log.warn("The task of {} started again while its previous instance, which Connect gave up on, still stops: "
                + "the new instance takes over its metrics", metricName.tags());
        }
        return metricName;
    }

    /** Removes every metric and sensor of this group. Idempotent. */
    @Override
    public void close() {
        release();
    }

    /**
     * Closes this group; true when that removed its metrics, false when it had been closed before, or the runtime had
     * closed the task's plugin metrics (which removed them all) first.
     */
    private boolean release() {
        synchronized (OWNERS) {
            if (metrics == null || closed) {
                return false;
            }
            closed = true;
            ownedNames.forEach(name -> OWNERS.remove(name, this));
            ownedNames.clear();
            boolean removed = true;
            try {
                for (MetricName name : metricNames) {
                    metrics.removeMetric(name);
                }
                for (String sensor : sensorNames) {
                    metrics.removeSensor(sensor);
                }
            } catch (IllegalStateException e) {
                log.debug("Plugin metrics already closed", e);
                removed = false;
            }
            metricNames.clear();
            sensorNames.clear();
            return removed;
        }
    }
}
