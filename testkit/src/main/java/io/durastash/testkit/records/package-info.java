/**
 * Numbered records and their proof: {@link io.durastash.testkit.records.NumberedRecords} (a series whose every record
 * is built from its {@link io.durastash.testkit.records.RecordNumber}), {@link io.durastash.testkit.records.RecordLoad}
 * (producing them at a steady rate, with a progress count), {@link io.durastash.testkit.records.TopicReader} (reading
 * the output back as a loader would) and {@link io.durastash.testkit.records.SequenceCheck} with its
 * {@link io.durastash.testkit.records.Verdict}: missing, extra and out-of-order numbers per partition, and the bytes
 * of key, value and headers.
 *
 * <p>No locks: a load's thread publishes its progress through atomics and its result once, when it ends; a check is
 * used by the one thread that reads.
 */
package io.durastash.testkit.records;
