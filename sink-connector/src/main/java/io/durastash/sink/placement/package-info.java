/**
 * Keeps input partitions where a drainer is. Connect places sink and source tasks without regard to each other, so a
 * worker can run sink tasks and no source task, and a stash there fills with records nothing delivers. The
 * {@link io.durastash.sink.placement.DrainerAssignor}, a consumer partition assignor shipped in the plugin, gives
 * input partitions only to sink tasks whose worker drains their stash; the {@link io.durastash.sink.placement.PlacementGuard}
 * asks the sink's consumer group for a new assignment when a worker loses its drainer, or gains one while nobody had
 * one; {@link io.durastash.sink.placement.SinkGroups} is the JVM-wide registry that the tasks and the assignors of
 * their consumers share.
 *
 * <p>Locks: the registry's monitor, then a group's monitor; the guard's monitor is a leaf. A rebalance request runs
 * on a thread of its own and holds none of them.
 */
package io.durastash.sink.placement;
