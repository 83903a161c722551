/**
 * The ground floor of the test kit that every harness (integration tests, fault tests, benchmarks, the local
 * launcher) stands on: where the build put things ({@link io.durastash.testkit.BuildInfo}), the Kafka cluster through
 * an Admin client ({@link io.durastash.testkit.KafkaCluster}), the failure of a stack worded for whoever runs it
 * ({@link io.durastash.testkit.StackFailure}), and waiting with a deadline that says what it saw
 * ({@link io.durastash.testkit.Deadline}, {@link io.durastash.testkit.Await}).
 *
 * <p>The sub-packages: {@code records} (numbered records, their load, reader and check), {@code connect} (connector
 * configs, Connect's REST API and metrics, the plugin archive, and the {@code ConnectStack} abstraction),
 * {@code process} (the stack as real processes), {@code embedded} (the stack in this JVM) and {@code cli} (command
 * lines). No locks here.
 */
package io.durastash.testkit;
