/**
 * Read-only views of a stash, for operators and the {@code durastash} tool: batches as stored
 * ({@link io.durastash.stash.inspect.InspectedBatch}), one batch's records
 * ({@link io.durastash.stash.inspect.RecordScan}), and a check of every entry
 * ({@link io.durastash.stash.inspect.VerifyReport}). Damaged entries come back with the reason and stay where they
 * are: inspecting changes nothing. Built on the internals' cursors; takes no lock of its own.
 */
package io.durastash.stash.inspect;
