/**
 * The Connect stack in this JVM: {@link io.durastash.testkit.embedded.EmbeddedStack}, Kafka's
 * {@code EmbeddedConnectCluster} (an in-process KRaft broker and distributed workers) behind the kit's
 * {@code ConnectStack}, and a JUnit extension for the tests of a class.
 *
 * <p>The only package of the kit that needs Kafka's test jars and JUnit: the module declares them {@code provided},
 * so the harnesses that run this stack (integration-tests, benchmarks) bring them, and the launcher and the child
 * processes never see them.
 *
 * <p>One lock, the stack's monitor, around starting and stopping the cluster.
 */
package io.durastash.testkit.embedded;
