/**
 * The Connect REST extension that reports the health of the stashes open in a worker
 * ({@link io.durastash.rest.StashHealthExtension}, {@code GET /durastash/stashes}). It reads the JVM-wide stash
 * registry and sink groups and takes no lock of its own. By default it shows each stash by name, without the
 * directories, free disk bytes and consumer group ids of the connectors on the worker ({@code HealthDetail}).
 */
package io.durastash.rest;
