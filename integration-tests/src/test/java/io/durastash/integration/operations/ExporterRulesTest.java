package io.durastash.integration.operations;

import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The exporter rules ({@code config/monitoring/durastash-jmx-exporter.yaml}) run by the JMX exporter's own collector
 * against plugin MBeans of the shapes a worker holds: DuraStash's (connector and task), and a converter's and a
 * transformation's of the same connector, which carry one more tag and may use the same metric names. Only
 * DuraStash's become {@code durastash_*}, with the task as it is.
 */
class ExporterRulesTest {
    private final StandInMBeans mbeans = new StandInMBeans();

    @AfterEach
    void unregister() throws Exception {
        mbeans.close();
    }

    @Test
    void onlyDuraStashsPluginMetricsBecomeDurastashMetrics() throws Exception {
        register("kafka.connect:type=plugins,connector=rules-sink,task=0", 5);
        register("kafka.connect:type=plugins,connector=rules-sink,task=0,converter=value", 7);
        register("kafka.connect:type=plugins,connector=rules-sink,task=0,transformation=mask", 9);

        String rules = Files.readString(OperationsFiles.monitoring("durastash-jmx-exporter.yaml"));
        Map<String, Double> exported = new TreeMap<>();
        for (MetricSnapshot snapshot : new JmxCollector(rules).register(new PrometheusRegistry()).collect()) {
            if (!snapshot.getMetadata().getName().equals("durastash_stash_pending_records")) {
                continue;
            }
            for (DataPointSnapshot point : snapshot.getDataPoints()) {
                if ("rules-sink".equals(point.getLabels().get("connector"))) {
                    exported.put(point.getLabels().get("task"),
                        ((io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot) point).getValue());
                }
            }
        }
        assertEquals(Map.of("0", 5.0), exported, "the converter's and the transformation's metric of the same name "
            + "are not DuraStash's");
    }

    private void register(String name, double value) throws Exception {
        mbeans.register(name, Map.of("stash-pending-records", value));
    }
}
