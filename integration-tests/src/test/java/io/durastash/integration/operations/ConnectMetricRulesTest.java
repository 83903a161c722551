package io.durastash.integration.operations;

import io.prometheus.jmx.JmxCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.durastash.integration.operations.PrometheusMonitoringTest.CONNECTOR_CLASS;
import static io.durastash.integration.operations.PrometheusMonitoringTest.SINK_LAG;
import static io.durastash.integration.operations.PrometheusMonitoringTest.TASK_STATUS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rules for the Connect metrics the dashboard reads ({@code config/monitoring/durastash-jmx-exporter.yaml}), run by
 * the JMX exporter's own collector against MBeans of the shapes a worker holds. The tasks' states and the connectors'
 * classes come out as Strimzi's Connect rules export them, so the dashboard reads the same series on Strimzi, where
 * Strimzi's rules come first (docs/kubernetes.md), as with these rules alone. The sink's consumer lag is one series
 * per sink task: not per partition, not for other consumers, and not taken first by a rule of Strimzi's.
 */
class ConnectMetricRulesTest {
    /**
     * Strimzi's rules that match these MBeans first: the connector's and the task's status, and the consumer's fetch
     * metrics (Strimzi 1.2.0, examples/metrics/kafka-connect-metrics.yaml, without their help texts).
     */
    private static final String STRIMZI_RULES = """
        lowercaseOutputName: true
        lowercaseOutputLabelNames: true
        rules:
          - pattern: kafka.consumer<type=consumer-fetch-manager-metrics, client-id=(.+), topic=(.+), partition=(.+)><>(.+-total)
            name: kafka_consumer_fetch_manager_$4
            labels:
              clientId: "$1"
              topic: "$2"
              partition: "$3"
            type: COUNTER
          - pattern: kafka.consumer<type=consumer-fetch-manager-metrics, client-id=(.+), topic=(.+), partition=(.+)><>(compression-rate|.+-avg|.+-replica|.+-lag|.+-lead)
            name: kafka_consumer_fetch_manager_$4
            labels:
              clientId: "$1"
              topic: "$2"
              partition: "$3"
            type: GAUGE
          - pattern: kafka.(.+)<type=(.+)-metrics, client-id=(.*)><>(.+-total)
            name: kafka_$2_$4
            labels:
              clientId: "$3"
            type: COUNTER
          - pattern: kafka.(.+)<type=(.+)-metrics, client-id=(.*)><>(.+-avg|.+-bytes|.+-count|.+-ratio|.+-age|.+-flight|.+-threads|.+-connectors|.+-tasks|.+-ago)
            name: kafka_$2_$4
            labels:
              clientId: "$3"
            type: GAUGE
          - pattern: 'kafka.connect<type=connector-metrics, connector=(.+)><>(connector-class|connector-type|connector-version|status): (.+)'
            name: kafka_connect_connector_$2
            value: 1
            labels:
              connector: "$1"
              $2: "$3"
            type: GAUGE
          - pattern: 'kafka.connect<type=connector-task-metrics, connector=(.+), task=(.+)><>status: ([a-z-]+)'
            name: kafka_connect_connector_task_status
            value: 1
            labels:
              connector: "$1"
              task: "$2"
              status: "$3"
            type: GAUGE
        """;
    private static final Set<String> DASHBOARD_NAMES = Set.of(TASK_STATUS, CONNECTOR_CLASS, SINK_LAG);
    private final StandInMBeans mbeans = new StandInMBeans();

    @AfterEach
    void unregister() throws Exception {
        mbeans.close();
    }

    @Test
    void theDashboardReadsTheSameConnectSeriesWithStrimzisRulesFirstOrWithOursAlone() throws Exception {
        mbeans.register("kafka.connect:type=connector-metrics,connector=rules-sink", Map.of("connector-class",
            "io.durastash.sink.StashSinkConnector", "connector-type", "sink", "status", "running"));
        mbeans.register("kafka.connect:type=connector-task-metrics,connector=rules-sink,task=0",
            Map.of("status", "running", "running-ratio", 1.0));
        mbeans.register("kafka.connect:type=connector-task-metrics,connector=rules-sink,task=1",
            Map.of("status", "failed"));
        // A connector name ending in a number: the task is the client id's last number.
        String sinkConsumer = "kafka.consumer:type=consumer-fetch-manager-metrics,"
            + "client-id=connector-consumer-rules-sink-2-10";
        mbeans.register(sinkConsumer, Map.of("records-lag-max", 42.0, "records-consumed-total", 1000.0));
        mbeans.register(sinkConsumer + ",topic=orders,partition=3",
            Map.of("records-lag-max", 40.0, "records-lag", 40.0));
        mbeans.register("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=consumer-app-1",
            Map.of("records-lag-max", 7.0));

        String ours = Files.readString(OperationsFiles.monitoring("durastash-jmx-exporter.yaml"));
        Set<String> alone = dashboardSeries(ours);
        assertEquals(Set.of(
            CONNECTOR_CLASS + "{connector=rules-sink, connector_class=io.durastash.sink.StashSinkConnector} 1.0",
            TASK_STATUS + "{connector=rules-sink, status=running, task=0} 1.0",
            TASK_STATUS + "{connector=rules-sink, status=failed, task=1} 1.0",
            SINK_LAG + "{connector=rules-sink-2, task=10} 42.0"), alone);
        String strimziFirst = STRIMZI_RULES + ours.substring(ours.indexOf("\nrules:\n") + "\nrules:\n".length());
        assertEquals(alone, dashboardSeries(strimziFirst), "with Strimzi's rules first");
    }

    /** The series of {@link #DASHBOARD_NAMES} that {@code rules} export, as {@code name{labels, sorted} value}. */
    private static Set<String> dashboardSeries(String rules) throws Exception {
        Set<String> series = new TreeSet<>();
        for (MetricSnapshot snapshot : new JmxCollector(rules).register(new PrometheusRegistry()).collect()) {
            String name = snapshot.getMetadata().getName();
            if (!DASHBOARD_NAMES.contains(name)) {
                continue;
            }
            for (DataPointSnapshot point : snapshot.getDataPoints()) {
                List<String> labels = new ArrayList<>();
                for (Label label : point.getLabels()) {
                    labels.add(label.getName() + "=" + label.getValue());
                }
                series.add(name + "{" + String.join(", ", new TreeSet<>(labels)) + "} "
                    + ((GaugeDataPointSnapshot) point).getValue());
            }
        }
        return series;
    }
}
