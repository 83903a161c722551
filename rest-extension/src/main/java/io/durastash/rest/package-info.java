/**
 * The Connect REST extension that reports the health of the stashes open in a worker
 * ({@link io.durastash.rest.StashHealthExtension}, {@code GET /durastash/stashes}). It reads the JVM-wide stash
 * registry and sink groups and takes no lock of its own.
 */
package io.durastash.rest;
