package io.durastash.connect;

import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginMetricsGroupTest {
    @Test
    void gaugesMetersTotalsAndTimersAppearUnderTheTaskTagsAndGoAwayOnClose() throws Exception {
        try (WorkerPluginMetrics worker = new WorkerPluginMetrics("group-test", 3)) {
            PluginMetricsGroup group = PluginMetricsGroup.of(worker.pluginMetrics());
            AtomicLong level = new AtomicLong(7);
            group.gauge("level", "a level", level::get);
            group.textGauge("name", "a name", () -> "stash-a");
            PluginMetricsGroup.Recorder put = group.meter("put-record", "rate", "total");
            PluginMetricsGroup.Recorder skipped = group.total("skipped", "skipped");
            PluginMetricsGroup.Recorder sync = group.timer("wal-sync-time", "avg", "max");

            put.record(10);
            put.record(5);
            skipped.record(2);
            sync.record(4);
            sync.record(2);
            level.set(9);

            assertEquals(9.0, worker.number("level"));
            assertEquals("stash-a", worker.value("name"));
            assertEquals(15.0, worker.number("put-record-total"));
            assertTrue(worker.number("put-record-rate") > 0);
            assertEquals(2.0, worker.number("skipped-total"));
            assertEquals(3.0, worker.number("wal-sync-time-avg-ms"));
            assertEquals(4.0, worker.number("wal-sync-time-max-ms"));
            assertEquals(9.0, ((Number) worker.jmx("level")).doubleValue(), "over JMX, as " + worker.objectName());
            assertEquals(15.0, ((Number) worker.jmx("put-record-total")).doubleValue());

            group.close();
            assertTrue(worker.names().isEmpty(), "all removed: " + worker.names());
            group.close();
        }
    }

    @Test
    void twoTasksKeepTheirSensorsApart() {
        try (WorkerPluginMetrics a = new WorkerPluginMetrics("apart", 0);
             WorkerPluginMetrics b = new WorkerPluginMetrics("apart", 1)) {
            PluginMetricsGroup.Recorder ra = PluginMetricsGroup.of(a.pluginMetrics()).total("n", "n");
            PluginMetricsGroup.Recorder rb = PluginMetricsGroup.of(b.pluginMetrics()).total("n", "n");
            ra.record(1);
            rb.record(5);
            assertEquals(1.0, a.number("n-total"));
            assertEquals(5.0, b.number("n-total"));
        }
    }

    @Test
    void aTaskStartedAgainWhileItsAbandonedInstanceStillStopsTakesItsMetricsOver() throws Exception {
        try (WorkerPluginMetrics worker = new WorkerPluginMetrics("takeover", 1)) {
            PluginMetricsGroup abandoned = PluginMetricsGroup.of(worker.pluginMetrics());
            abandoned.gauge("level", "a level", () -> 1);
            PluginMetricsGroup.Recorder abandonedPut = abandoned.meter("put-record", "rate", "total");
            abandoned.timer("wal-sync-time", "avg", "max");
            abandonedPut.record(100);

            PluginMetrics next = worker.nextInstance();
            PluginMetricsGroup started = PluginMetricsGroup.of(next);
            started.gauge("level", "a level", () -> 2);
            PluginMetricsGroup.Recorder put = started.meter("put-record", "rate", "total");
            started.timer("wal-sync-time", "avg", "max");
            put.record(3);

            assertEquals(2.0, worker.number("level"), "the new instance's gauge");
            assertEquals(3.0, worker.number("put-record-total"), "the new instance's meter");
            abandonedPut.record(100);
            assertEquals(3.0, worker.number("put-record-total"), "the abandoned instance records nowhere");

            abandoned.close();
            worker.pluginMetrics().close(); // the worker closes the abandoned instance's plugin metrics once it stopped
            assertEquals(2.0, worker.number("level"), "still the new instance's, after the old one closed");
            assertEquals(3.0, worker.number("put-record-total"));
            started.close();
            assertTrue(worker.names().isEmpty(), "all removed: " + worker.names());
        }
    }

    @Test
    void aTaskStartedAgainAfterItsInstanceStoppedRegistersItsMetricsAfresh() {
        try (WorkerPluginMetrics worker = new WorkerPluginMetrics("restart", 0)) {
            PluginMetricsGroup stopped = PluginMetricsGroup.of(worker.pluginMetrics());
            stopped.meter("put-record", "rate", "total").record(100);
            stopped.close();
            PluginMetricsGroup started = PluginMetricsGroup.of(worker.nextInstance());
            started.meter("put-record", "rate", "total").record(3);
            assertEquals(3.0, worker.number("put-record-total"));
            started.close();
            assertTrue(worker.names().isEmpty(), "all removed: " + worker.names());
        }
    }

    @Test
    void closingAfterTheRuntimeClosedThePluginMetricsIsQuiet() {
        WorkerPluginMetrics worker = new WorkerPluginMetrics("late-close", 0);
        PluginMetricsGroup group = PluginMetricsGroup.of(worker.pluginMetrics());
        group.gauge("g", "g", () -> 1);
        worker.close();
        group.close();
    }

    @Test
    void aRuntimeWithoutPluginMetricsTurnsMetricsOff() {
        SinkTaskContext old = context(new NoSuchMethodError("pluginMetrics"));
        PluginMetricsGroup group = PluginMetricsGroup.forTask(old, "test task");
        assertFalse(group.enabled());
        group.gauge("g", "g", () -> 1);
        group.meter("m", "r", "t").record(1);
        group.close();

        assertFalse(PluginMetricsGroup.forTask(context(null), "test task").enabled(), "null plugin metrics");
    }

    @Test
    void aContextWithPluginMetricsEnablesThem() {
        try (WorkerPluginMetrics worker = new WorkerPluginMetrics("ctx", 0)) {
            PluginMetricsGroup group = PluginMetricsGroup.forTask(context(worker.pluginMetrics()), "test task");
            assertTrue(group.enabled());
            group.gauge("g", "g", () -> 2);
            assertEquals(2.0, worker.number("g"));
            assertNull(worker.value("missing"));
        }
    }

    /** A sink task context whose pluginMetrics() returns {@code result}, or throws it when it is an error. */
    private static SinkTaskContext context(Object result) {
        return (SinkTaskContext) Proxy.newProxyInstance(SinkTaskContext.class.getClassLoader(),
            new Class<?>[] {SinkTaskContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("pluginMetrics")) {
                    if (result instanceof Error) {
                        throw (Error) result;
                    }
                    return (PluginMetrics) result;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
