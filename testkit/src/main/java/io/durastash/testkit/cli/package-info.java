/**
 * Command lines of the harnesses that have one, the launcher and the benchmarks:
 * {@link io.durastash.testkit.cli.CommandLine} reads flags and options into typed values and fails with a
 * {@link io.durastash.testkit.cli.UsageException} that says what to change. (The stash tool of the product keeps its
 * own parser.) No locks.
 */
package io.durastash.testkit.cli;
