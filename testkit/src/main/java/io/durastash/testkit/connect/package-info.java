/**
 * Kafka Connect as the harnesses see it from outside: connector configs that start from {@code config/local}
 * ({@link io.durastash.testkit.connect.ConnectorConfig}, {@link io.durastash.testkit.connect.Pair}), a worker's REST
 * API ({@link io.durastash.testkit.connect.ConnectRest}) and the connector lifecycle over it
 * ({@link io.durastash.testkit.connect.Connectors}), a worker's JMX metrics
 * ({@link io.durastash.testkit.connect.WorkerMetrics}), the plugin archive
 * ({@link io.durastash.testkit.connect.PluginArchive}), and the {@link io.durastash.testkit.connect.ConnectStack}
 * that the in-process and the process stacks implement.
 *
 * <p>No locks: a {@code WorkerMetrics} belongs to the one thread that samples it; the REST client's HTTP client is
 * shared and thread-safe.
 */
package io.durastash.testkit.connect;
