/**
 * What an operator runs against a DuraStash worker, proven on real processes of the test kit's process stack with
 * the plugin archive unzipped onto plugin.path: the Prometheus JMX exporter agent with the shipped rules and a real
 * Prometheus server answering the shipped dashboard's queries ({@link io.durastash.integration.operations.PrometheusMonitoringTest}),
 * the stash health REST extension, the archive's own {@code bin/durastash}, and Kafka's {@code connect-plugin-path}
 * tool. Failsafe runs them after {@code package}. No locks.
 */
package io.durastash.integration.operations;
