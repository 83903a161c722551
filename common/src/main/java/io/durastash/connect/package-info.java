/**
 * What both connectors share on the Connect side: the base of their configs, with the keys that name the stash and the
 * validation both run ({@link io.durastash.connect.StashConnectorConfig}, {@link io.durastash.connect.StashLocation}),
 * where the operator allows stashes ({@link io.durastash.connect.StashRoots}), the pair a stash belongs to
 * ({@link io.durastash.connect.StashOwners}), the header that ends loops across connectors
 * ({@link io.durastash.connect.LoopMark}), task configs, plugin metrics ({@link io.durastash.connect.PluginMetricsGroup},
 * {@link io.durastash.connect.StashGauges}) and the warning for a stash that no drainer drains
 * ({@link io.durastash.connect.DrainerWatch}).
 */
package io.durastash.connect;
