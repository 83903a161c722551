/**
 * Crash and fault proofs with the broker and the workers as real processes, on the test kit's process stack: each
 * test applies its fault from outside (SIGKILL, a broker outage, a full or damaged disk, a power loss, bad input) and
 * proves with numbered records what arrived. Here only what fault tests share beyond the kit: a test's data directory
 * ({@link io.durastash.faults.FaultData}), its report ({@link io.durastash.faults.FaultReport}), the seed of random
 * kill points ({@link io.durastash.faults.Seeds}), records held in a stash with the source paused
 * ({@link io.durastash.faults.StashBacklog}), the stash tool as a process ({@link io.durastash.faults.StashToolRun})
 * and what its quarantine holds ({@link io.durastash.faults.Quarantined}), what a worker logged
 * ({@link io.durastash.faults.WorkerLog}) and the task states a watcher saw ({@link io.durastash.faults.StatusWatch}).
 *
 * <p>No locks: a test's watcher thread publishes what it saw through concurrent collections.
 */
package io.durastash.faults;
