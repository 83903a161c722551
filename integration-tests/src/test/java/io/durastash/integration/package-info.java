/**
 * End-to-end tests on the test kit's in-process stack (an EmbeddedConnectCluster): the pair with the connectors on
 * the classpath, or loaded only from the plugin archive ({@link io.durastash.integration.PluginArchiveTest}); what an
 * operator runs against worker processes is in {@code io.durastash.integration.operations}. Here only
 * what these tests share beyond the kit: the pair under test with a look into its in-process stash
 * ({@link io.durastash.integration.Pipeline}), a transformation that poisons records, and schema'd test data.
 * No locks.
 */
package io.durastash.integration;
