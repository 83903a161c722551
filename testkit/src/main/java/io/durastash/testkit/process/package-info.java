/**
 * The Connect stack as real processes, the way users run it: {@link io.durastash.testkit.process.ProcessStack} with a
 * KRaft broker ({@link io.durastash.testkit.process.LocalBroker}) and Connect workers
 * ({@link io.durastash.testkit.process.WorkerProcess}, as a {@link io.durastash.testkit.process.WorkerSpec} says),
 * each a {@link io.durastash.testkit.process.ChildProcess} of Kafka's own runtime
 * ({@link io.durastash.testkit.process.KafkaRuntime}) on one {@link io.durastash.testkit.process.DataDir}, with the
 * local ports they listen on ({@link io.durastash.testkit.process.Ports}); and a command run to its end as a user runs
 * it, its output and exit code ({@link io.durastash.testkit.process.CommandRun}).
 *
 * <p>Locks: a {@code DataDir} holds a file lock on its directory for the stack's life, so one stack at a time runs
 * on it. In the JVM there is one monitor, the {@code ProcessStack}'s: it guards the list of workers, the closed flag
 * and the launch of every child process, so that {@code close()} (the launcher's Ctrl-C hook) and a start never
 * interleave. Waiting for a process to be ready, stopping and killing happen outside it, except in {@code close()},
 * which holds it while it stops the workers and then the broker; nothing it calls takes another lock.
 */
package io.durastash.testkit.process;
