package io.durastash.connect;

import org.apache.kafka.common.config.ConfigException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Where a connector's stash lies: {@code stash.dir} made absolute and normalised, and the stash's directory
 * {@code stash.dir/stash.name} inside it. Normalised once, here; compare and open stashes by {@link #path()}.
 *
 * @param directory {@code stash.dir}, absolute and normalised
 * @param path      the stash's own directory, strictly inside {@code directory}
 */
public record StashLocation(Path directory, Path path) {
    /**
     * The location named by {@code stash.dir} and {@code stash.name}.
     *
     * @throws ConfigException on {@code stash.name} when it would leave {@code stash.dir} (its validator refuses such
     *                         names first), or on {@code stash.dir} when it is no path
     */
    public static StashLocation of(String dir, String name) {
        Path base;
        try {
            base = Paths.get(dir.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(StashConnectorConfig.STASH_DIR_CONFIG, dir, e.getMessage());
        }
        Path path;
        try {
            path = base.resolve(name.trim()).normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(StashConnectorConfig.STASH_NAME_CONFIG, name, e.getMessage());
        }
        if (!path.startsWith(base) || path.equals(base)) {
            throw new ConfigException(StashConnectorConfig.STASH_NAME_CONFIG, name, "resolves to " + path + ", outside "
                + StashConnectorConfig.STASH_DIR_CONFIG + "=" + base);
        }
        return new StashLocation(base, path);
    }

    /** Why the worker's roots ({@link StashRoots}) do not allow this stash; empty when they do. */
    public Optional<String> outsideRoots() {
        return StashRoots.ofWorker().problem(path);
    }

    /**
     * The stash's directory, once the worker's roots allow it.
     *
     * @throws ConfigException on {@code stash.dir} when they do not
     */
    public Path allowedPath() {
        outsideRoots().ifPresent(problem -> {
            throw new ConfigException(StashConnectorConfig.STASH_DIR_CONFIG, directory.toString(), problem);
        });
        return path;
    }
}
