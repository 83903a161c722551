/**
 * The launcher behind {@code ./durastash-local}: what is particular to it, on top of the test kit's process stack.
 * Its command line ({@link io.durastash.local.Options}, help in {@code usage.txt}), the run from start to Ctrl-C
 * ({@link io.durastash.local.LocalStack}), the demo and its verdict in the launcher's words
 * ({@link io.durastash.local.Demo}, {@link io.durastash.local.DemoVerdict}), and the live progress line
 * ({@link io.durastash.local.ProgressLine} over {@link io.durastash.local.PipelineProbe}).
 *
 * <p>Locks, in the order they are taken where they meet: the {@code LocalStack}'s monitor (its close, from the
 * Ctrl-C hook, against the main thread setting up), then the kit's {@code ProcessStack} monitor (stopping the
 * processes), then the {@code ProgressLine}'s (a message printed while they stop). The progress thread takes only
 * the last.
 */
package io.durastash.local;
