package io.durastash.integration.operations;

import com.fasterxml.jackson.databind.JsonNode;
import io.durastash.connect.StashGauges;
import io.durastash.integration.operations.ExporterScrape.Sample;
import io.durastash.sink.SinkMetrics;
import io.durastash.sink.StashSinkConnector;
import io.durastash.source.SourceMetrics;
import io.durastash.source.StashSourceConnector;
import io.durastash.testkit.Await;
import io.durastash.testkit.connect.Pair;
import io.durastash.testkit.connect.WorkerMetrics;
import io.durastash.testkit.process.Ports;
import io.durastash.testkit.process.ProcessStack;
import io.durastash.testkit.process.WorkerProcess;
import io.durastash.testkit.process.WorkerSpec;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.RecordLoad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitoring an operator already runs, against a real worker process: the worker started with the Prometheus JMX
 * exporter agent and the shipped rules ({@code config/monitoring/durastash-jmx-exporter.yaml}), the pair running
 * with records flowing, the agent's {@code /metrics} scraped, and a real Prometheus server scraping it every second
 * and answering every query of the shipped Grafana dashboard, with its variables at All, at the values they list, and
 * at a worker that has no stash.
 *
 * <p>What must be exported is not listed here: it is every plugin metric the sink and source tasks registered, read
 * over JMX from the worker, so a metric added to the code without a rule fails this test. That list is checked in
 * turn against the name constants of {@link StashGauges}, {@link SinkMetrics} and {@link SourceMetrics}.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PrometheusMonitoringTest {
    private static final String SINK = "monitored-sink";
    private static final String SOURCE = "monitored-source";
    private static final Duration FLOWING = Duration.ofSeconds(60);
    /** Dashboard metrics whose value a healthy, drained pair must show. */
    private static final Map<String, Double> HEALTHY = Map.of(
        "durastash_stash_quarantined_entries", 0.0,
        "durastash_stash_pending_without_drainer", 0.0,
        "durastash_backpressure_paused", 0.0,
        "durastash_backpressure_disk_low", 0.0,
        "durastash_stash_drainer_active", 1.0);
    private static final Set<String> TEXT_METRICS = Set.of(StashGauges.PATH, StashGauges.ID);
    /** Connect's own metrics the dashboard reads: the first two under the names Strimzi's Connect rules give them. */
    static final String TASK_STATUS = "kafka_connect_connector_task_status";
    static final String CONNECTOR_CLASS = "kafka_connect_connector_connector_class";
    static final String SINK_LAG = "kafka_connect_sink_consumer_records_lag_max";
    /**
     * The labels the dashboard's variables list, in the order they are chained: Strimzi's PodMonitor labels, the
     * scrape target, the stash. This test's plain scrape has only {@code instance} and {@code job}: the variables of
     * Strimzi's labels list nothing and stay at All, whose {@code .*} matches a series without the label.
     */
    private static final List<String> VARIABLE_LABELS = List.of("namespace", "strimzi_io_cluster",
        "kubernetes_pod_name", "instance", "stash_path");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path root;

    private static Path prometheusBinary;
    private static ProcessStack stack;
    private static WorkerProcess worker;
    private static WorkerMetrics jmx;
    private static RecordLoad load;
    private static String exporter;
    private static Path stash;

    @BeforeAll
    static void startTheMonitoredPair() {
        prometheusBinary = PrometheusServer.binary();
        stack = ProcessStack.start(root.resolve("stack"));
        exporter = "127.0.0.1:" + Ports.anyFree();
        worker = stack.startWorker(WorkerSpec.standalone("connect").jvmOption("-javaagent:"
            + OperationsFiles.jmxExporterAgent() + "=" + exporter + ":"
            + OperationsFiles.monitoring("durastash-jmx-exporter.yaml")));
        Pair pair = Pair.local().named("monitored").both("stash.name", "monitored")
            .topics("monitored-in", "monitored-out").tasks(1, 1);
        stash = worker.stashDir().resolve("monitored");
        stack.createTopics(pair, ProcessStack.PARTITIONS);
        load = RecordLoad.into(stack.kafka(), pair.inputTopic(), NumberedRecords.of(pair.inputTopic())).rate(2_000)
            .start();
        worker.connectors().start(pair);
        jmx = WorkerMetrics.ofProcess(worker.process().pid());
        Await.until("the source to have records acknowledged", FLOWING,
            () -> jmx.pluginNumber(SOURCE, 0, "ack-record-total") > 0);
    }

    @AfterAll
    static void stopThePair() {
        if (load != null && load.running()) {
            load.stop(Duration.ofSeconds(30));
        }
        if (jmx != null) {
            jmx.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theExporterExportsEveryMetricOfBothTasksWithItsLabels() throws IOException {
        Set<String> sinkMetrics = jmx.pluginMetricNames(SINK, 0);
        Set<String> sourceMetrics = jmx.pluginMetricNames(SOURCE, 0);
        requireNamesOfTheCode(sinkMetrics, StashGauges.class, SinkMetrics.class);
        requireNamesOfTheCode(sourceMetrics, StashGauges.class, SourceMetrics.class);

        ExporterScrape scrape = ExporterScrape.of(URI.create("http://" + exporter + "/metrics"));
        List<String> missing = new ArrayList<>();
        missing.addAll(unexported(scrape, SINK, sinkMetrics));
        missing.addAll(unexported(scrape, SOURCE, sourceMetrics));
        assertEquals(List.of(), missing, "plugin metrics registered over JMX but not exported by the rules; the exporter "
            + "exported these DuraStash names: " + scrape.names().stream().filter(n -> n.startsWith("durastash")).toList());
        System.out.printf("The exporter exported all %d metrics of the sink task and %d of the source task%n",
            sinkMetrics.size(), sourceMetrics.size());

        String stashId = (String) jmx.pluginMetric(SINK, 0, StashGauges.ID);
        for (String connector : List.of(SINK, SOURCE)) {
            assertEquals(1.0, value(scrape, "durastash_stash_path", connector, Map.of("stash_path", stash.toString())));
            assertEquals(1.0, value(scrape, "durastash_stash_id", connector, Map.of("stash_id", stashId)));
            assertEquals(0.0, value(scrape, "durastash_stash_quarantined_entries", connector, Map.of()));
            assertEquals(1.0, value(scrape, "durastash_stash_drainer_active", connector, Map.of()));
            assertTrue(value(scrape, "durastash_stash_disk_bytes", connector, Map.of()) > 0, "stash on disk");
            assertTrue(value(scrape, "durastash_stash_disk_free_bytes", connector, Map.of()) > 0, "free disk");
        }
        double put = value(scrape, "durastash_put_record_total", SINK, Map.of());
        double acked = value(scrape, "durastash_ack_record_total", SOURCE, Map.of());
        assertTrue(put > 0 && put <= load.sent(), "records stashed: " + put + " of " + load.sent() + " sent");
        assertTrue(acked > 0 && acked <= value(scrape, "durastash_emit_record_total", SOURCE, Map.of()),
            "records acknowledged: " + acked);
        assertEquals(1.0, value(scrape, "durastash_placement_guarded", SINK, Map.of()), "config/local's DrainerAssignor");
        assertEquals(0.0, value(scrape, "durastash_backpressure_paused", SINK, Map.of()));
        assertEquals(1.0, value(scrape, "durastash_drainer", SOURCE, Map.of()));
        assertEquals(0.0, value(scrape, "durastash_dropped_record_total", SOURCE, Map.of()));

        for (var connector : Map.of(SINK, StashSinkConnector.class, SOURCE, StashSourceConnector.class).entrySet()) {
            assertEquals(1.0, value(scrape, TASK_STATUS, connector.getKey(), Map.of("status", "running")));
            assertEquals(List.of(1.0), scrape.find(CONNECTOR_CLASS, Map.of("connector", connector.getKey(),
                "connector_class", connector.getValue().getName())).stream().map(Sample::value).toList(),
                CONNECTOR_CLASS + " of " + connector.getKey());
        }
        assertEquals(List.of(Map.of("connector", SINK, "task", "0")),
            scrape.find(SINK_LAG, Map.of()).stream().map(Sample::labels).toList(),
            SINK_LAG + ": the sink task's consumer, not its partitions (their MBeans have records-lag-max too)");
    }

    @Test
    void everyQueryOfTheDashboardReturnsDataFromARealPrometheus() throws IOException {
        GrafanaDashboard dashboard = GrafanaDashboard.read(OperationsFiles.monitoring("durastash-dashboard.json"));
        assertEquals(VARIABLE_LABELS, dashboard.variables().stream().map(GrafanaDashboard.Variable::label).toList(),
            "the labels the dashboard's variables list: " + dashboard.variables());
        assertTrue(dashboard.queries().stream().anyMatch(query -> query.expr().contains(TASK_STATUS + "{"))
            && dashboard.queries().stream().anyMatch(query -> query.expr().contains(SINK_LAG + "{")),
            "panels of the tasks' states and of the sink's consumer lag: " + dashboard.queries());
        try (PrometheusServer prometheus = PrometheusServer.start(prometheusBinary, root.resolve("prometheus"),
            "connect", exporter)) {
            Await.until("Prometheus to have scraped the stash of both tasks", FLOWING,
                () -> series(prometheus, "durastash_stash_path"), result -> result.size() == 2);

            Map<String, List<String>> listed = Map.of("instance", List.of(exporter), "stash_path",
                List.of(stash.toString()));
            Map<String, List<String>> selected = new HashMap<>();
            for (GrafanaDashboard.Variable variable : dashboard.variables()) {
                String selector = dashboard.substitute(variable.selector(), selected);
                List<String> values = prometheus.labelValues(variable.label(), selector);
                assertEquals(listed.getOrDefault(variable.label(), List.of()), values, "$" + variable.name()
                    + ": label_values(" + selector + ", " + variable.label() + ")");
                if (!values.isEmpty()) {
                    selected.put(variable.name(), values);
                }
            }
            // A pod or a scrape target chosen that has no stash: $stash lists nothing, no panel shows anything.
            List<Map<String, List<String>>> elsewhere = List.of(
                choose(selected, dashboard.variableOf("kubernetes_pod_name"), "connect-1"),
                choose(selected, dashboard.variableOf("instance"), "127.0.0.1:1"));
            GrafanaDashboard.Variable stashes = dashboard.variableOf("stash_path");
            for (Map<String, List<String>> selection : elsewhere) {
                String selector = dashboard.substitute(stashes.selector(), selection);
                assertEquals(List.of(), prometheus.labelValues(stashes.label(), selector), "$" + stashes.name()
                    + " must list the stashes of the chosen workers only: label_values(" + selector + ", "
                    + stashes.label() + ")");
            }

            List<String> failures = new ArrayList<>();
            int evaluated = 0;
            for (GrafanaDashboard.Query query : dashboard.queries()) {
                for (Map<String, List<String>> selection : List.of(Map.<String, List<String>>of(), selected)) {
                    String expr = dashboard.substitute(query.expr(), selection);
                    failures.addAll(check(query, expr, prometheus.query(expr)));
                    evaluated++;
                }
                for (Map<String, List<String>> selection : elsewhere) {
                    String expr = dashboard.substitute(query.expr(), selection);
                    JsonNode result = prometheus.query(expr).path("result");
                    if (!result.isEmpty()) {
                        failures.add("panel '" + query.panel() + "' " + query.refId() + " with a worker without a "
                            + "stash chosen: " + expr + " returned " + result);
                    }
                    evaluated++;
                }
            }
            assertEquals(List.of(), failures, "dashboard queries that returned no data or the wrong series");
            assertTrue(evaluated >= 4 * 12, "the dashboard's queries: " + dashboard.queries());
            System.out.printf("Prometheus answered %d variable queries and %d panel queries (%d targets, with All, "
                + "with the listed values and with a worker without a stash)%n", dashboard.variables().size() + 2,
                evaluated, dashboard.queries().size());
        }
    }

    /** {@code selected} with {@code value} chosen for {@code variable}. */
    private static Map<String, List<String>> choose(Map<String, List<String>> selected,
        GrafanaDashboard.Variable variable, String value) {
        Map<String, List<String>> chosen = new HashMap<>(selected);
        chosen.put(variable.name(), List.of(value));
        return chosen;
    }

    /**
     * What a panel query must return while the pair runs: the tasks' states ({@link #checkTaskStates}), the sink's
     * lag ({@link #checkSinkLag}), or the one series of the one stash ({@link #checkStash}). None may be empty: every
     * panel's metric exists at 0 when nothing is wrong (quarantine, backpressure, a missing drainer), so an empty
     * answer means a broken name or join.
     */
    private static List<String> check(GrafanaDashboard.Query query, String expr, JsonNode data) {
        String where = "panel '" + query.panel() + "' " + query.refId() + ": " + expr;
        JsonNode result = data.path("result");
        if (!"vector".equals(data.path("resultType").asText())) {
            return List.of(where + " returned a " + data.path("resultType").asText() + ": " + result);
        }
        if (expr.contains(TASK_STATUS + "{")) {
            return checkTaskStates(where, result);
        }
        if (expr.contains(SINK_LAG + "{")) {
            return checkSinkLag(where, result);
        }
        return checkStash(where, expr, result);
    }

    /** The tasks in each state, per connector: the pair's one task each, running, and no other state. */
    private static List<String> checkTaskStates(String where, JsonNode result) {
        List<String> states = new ArrayList<>();
        for (JsonNode series : result) {
            states.add(series.path("metric").path("connector").asText() + " " + series.path("metric").path("status")
                .asText() + " " + series.path("value").path(1).asText());
        }
        Collections.sort(states);
        List<String> expected = List.of(SINK + " running 1", SOURCE + " running 1");
        return states.equals(expected) ? List.of() : List.of(where + " returned " + states + ", not " + expected);
    }

    /** The sink connector's consumer lag: one series, a number of records. */
    private static List<String> checkSinkLag(String where, JsonNode result) {
        if (result.size() != 1 || !SINK.equals(result.get(0).path("metric").path("connector").asText())) {
            return List.of(where + " returned " + result.size() + " series, not the sink's: " + result);
        }
        double lag = Double.parseDouble(result.get(0).path("value").path(1).asText());
        return Double.isFinite(lag) && lag >= 0 ? List.of() : List.of(where + " returned a lag of " + lag);
    }

    /**
     * The one series of the one stash: labelled with the worker and the stash path, a finite value, the healthy one
     * for the metrics in {@link #HEALTHY}.
     */
    private static List<String> checkStash(String where, String expr, JsonNode result) {
        if (result.size() != 1) {
            return List.of(where + " returned " + result.size() + " series: " + result);
        }
        JsonNode series = result.get(0);
        List<String> failures = new ArrayList<>();
        if (!exporter.equals(series.path("metric").path("instance").asText())
            || !stash.toString().equals(series.path("metric").path("stash_path").asText())) {
            failures.add(where + " returned the series " + series.path("metric"));
        }
        double value = Double.parseDouble(series.path("value").path(1).asText());
        if (!Double.isFinite(value)) {
            failures.add(where + " returned " + value);
        }
        HEALTHY.forEach((metric, healthy) -> {
            if (expr.contains(metric + "{") && value != healthy) {
                failures.add(where + " returned " + value + ", not " + healthy);
            }
        });
        return failures;
    }

    private static JsonNode series(PrometheusServer prometheus, String expr) {
        try {
            return prometheus.query(expr).path("result");
        } catch (IOException e) {
            throw new AssertionError("Prometheus did not answer " + expr + prometheus.logTail(), e);
        }
    }

    /**
     * The registered metrics of {@code connector}'s task 0 that the scrape lacks under the name the rules give them:
     * {@code durastash_<name, dashes as underscores>{connector, task}}, and for the two text metrics (the stash's path
     * and identity) the same name with the text as a label ({@code stash_path}, {@code stash_id}) on the value 1.
     */
    private static List<String> unexported(ExporterScrape scrape, String connector, Set<String> registered) {
        List<String> missing = new ArrayList<>();
        for (String metric : registered) {
            String name = "durastash_" + metric.replace('-', '_');
            Map<String, String> labels = new LinkedHashMap<>(Map.of("connector", connector, "task", "0"));
            if (TEXT_METRICS.contains(metric)) {
                labels.put(name.substring("durastash_".length()), (String) jmx.pluginMetric(connector, 0, metric));
            }
            if (scrape.find(name, labels).size() != 1) {
                missing.add(connector + " " + metric + " as " + name + labels);
            }
        }
        return missing;
    }

    private static double value(ExporterScrape scrape, String name, String connector, Map<String, String> more) {
        Map<String, String> labels = new LinkedHashMap<>(Map.of("connector", connector, "task", "0"));
        labels.putAll(more);
        List<Sample> found = scrape.find(name, labels);
        assertEquals(1, found.size(), name + labels + " in the scrape: " + found);
        return found.get(0).value();
    }

    /**
     * Each metric name constant of {@code holders} (a metric, or the base of a meter's or timer's {@code -rate},
     * {@code -total}, {@code -avg-ms}...) is registered: the list read over JMX is complete.
     */
    private static void requireNamesOfTheCode(Set<String> registered, Class<?>... holders) {
        for (Class<?> holder : holders) {
            for (Field field : holder.getFields()) {
                if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
                    continue;
                }
                String name;
                try {
                    name = (String) field.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                assertTrue(registered.contains(name) || registered.stream().anyMatch(m -> m.startsWith(name + "-")),
                    holder.getSimpleName() + "." + field.getName() + " (" + name + ") is not among the metrics the task "
                        + "registered: " + registered);
            }
        }
    }
}
