package io.durastash.connect;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JVM-wide registry of the sink sides of the stashes in this worker, by stash path: the sink connector's group
 * registers its {@link StashInput} when its first task here opens the stash and removes it with its last; the source
 * tasks of the stash look it up. Shared by everything the plugin's class loader loads. Thread-safe.
 */
public final class StashInputs {
    private static final StashInputs JVM = new StashInputs();

    private final Map<Path, StashInput> inputs = new HashMap<>();

    /** The registry shared by everything loaded by this plugin's class loader. */
    public static StashInputs jvm() {
        return JVM;
    }

    /**
     * Registers {@code input} as the sink side of the stash at {@code path}. Returns the one registered before, when
     * another sink connector's group already speaks for the stash (and keeps that one).
     */
    public synchronized Optional<StashInput> register(Path path, StashInput input) {
        StashInput before = inputs.putIfAbsent(path, input);
        return before == null || before == input ? Optional.empty() : Optional.of(before);
    }

    /** Removes {@code input} as the sink side of the stash at {@code path}, if it is. */
    public synchronized void unregister(Path path, StashInput input) {
        inputs.remove(path, input);
    }

    /** The sink side of the stash at {@code path}, when a sink connector's task in this worker writes to it. */
    public synchronized Optional<StashInput> of(Path path) {
        return Optional.ofNullable(inputs.get(path));
    }
}
