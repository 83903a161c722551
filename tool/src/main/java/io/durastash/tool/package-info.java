/**
 * The {@code durastash} command-line tool ({@link io.durastash.tool.StashTool}: stats, list, show, export, verify,
 * quarantine, salvage) over a stash no worker has open, opened read-only unless the command changes it, and the
 * generator of the configuration reference from the connectors' {@code ConfigDef}s
 * ({@link io.durastash.tool.ConfigReference}). Single-threaded.
 */
package io.durastash.tool;
