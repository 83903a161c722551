/**
 * What an operator runs against a DuraStash worker, proven on real processes of the test kit's process stack with
 * the plugin archive unzipped onto plugin.path: the Prometheus JMX exporter agent with the shipped rules and a real
 * Prometheus server answering the shipped dashboard's queries ({@link io.durastash.integration.operations.PrometheusMonitoringTest}),
 * the stash health REST extension, the archive's own {@code bin/durastash}, Kafka's {@code connect-plugin-path}
 * tool, and a worker shared by tenants ({@link io.durastash.integration.operations.SharedClusterTest}). Beside them,
 * tests that need no process: the exporter's rules run on stand-in MBeans ({@link io.durastash.integration.operations.MetricsMBean}),
 * and the Strimzi resources of {@code docs/kubernetes.md} checked against Strimzi's pinned CRDs
 * ({@link io.durastash.integration.operations.StrimziResourcesTest}). Failsafe runs them after {@code package}. No locks.
 */
package io.durastash.integration.operations;
