/**
 * Crash and fault proofs with the broker and the workers as real processes, on the test kit's process stack: each
 * test applies its fault from outside (SIGKILL, a broker outage, a full or damaged disk, bad input) and proves with
 * numbered records what arrived. Here only what fault tests share beyond the kit: a test's data directory
 * ({@link io.durastash.faults.FaultData}), its report ({@link io.durastash.faults.FaultReport}), the seed of random
 * kill points ({@link io.durastash.faults.Seeds}), the source tree's stash tool as a process
 * ({@link io.durastash.faults.StashToolRun}) and what a worker logged ({@link io.durastash.faults.WorkerLog}).
 *
 * <p>No locks: a test's watcher thread publishes what it saw through concurrent collections.
 */
package io.durastash.faults;
