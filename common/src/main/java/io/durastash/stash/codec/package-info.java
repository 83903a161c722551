/**
 * The binary record codec: a Connect record (key, value, headers with their schemas, timestamp, input position) as
 * bytes with a CRC32C, and back. A record that fails its checksum or does not decode is a
 * {@link io.durastash.stash.codec.CorruptEntryException}. Stateless apart from small caches; no locks.
 */
package io.durastash.stash.codec;
