/**
 * The {@code durastash} command-line tool ({@link io.durastash.tool.StashTool}: stats, list, show, export, verify,
 * quarantine) over a stash no worker has open, and the generator of the configuration reference from the connectors'
 * {@code ConfigDef}s ({@link io.durastash.tool.ConfigReference}). Single-threaded.
 */
package io.durastash.tool;
