package io.durastash.connect;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the worker's operator allows stashes: root directories set outside any connector config, in the environment
 * variable {@value #ENV} or the JVM system property {@value #PROPERTY} (which wins), separated by the platform's path
 * separator. A stash must lie inside one of them once symbolic links and {@code ..} are resolved. With neither set,
 * stashes may live anywhere the worker's user can write, and the worker says so once.
 */
public final class StashRoots {
    public static final String ENV = "DURASTASH_STASH_ROOTS";
    public static final String PROPERTY = "durastash.stash.roots";
    private static final Logger log = LoggerFactory.getLogger(StashRoots.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final List<Path> roots;
    private final String setting;

    private StashRoots(List<Path> roots, String setting) {
        this.roots = List.copyOf(roots);
        this.setting = setting;
    }

    /** The roots this worker process allows, read now. */
    public static StashRoots ofWorker() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return parse(property, "-D" + PROPERTY);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return parse(env, ENV);
        }
        if (WARNED.compareAndSet(false, true)) {
            log.warn("Stashes on this worker are not confined: a connector config may place its stash in any directory "
                + "the worker's user can write. Set the environment variable {} (or -D{}) to the directories stashes may "
                + "use, for example {}=/var/lib/durastash.", ENV, PROPERTY, ENV);
        }
        return new StashRoots(List.of(), null);
    }

    /** {@code value}: roots separated by {@link File#pathSeparator}; {@code setting}: where it was set, for messages. */
    static StashRoots parse(String value, String setting) {
        List<Path> roots = new ArrayList<>();
        for (String root : value.split(File.pathSeparator)) {
            if (!root.isBlank()) {
                roots.add(resolved(Paths.get(root.trim())));
            }
        }
        return new StashRoots(roots, setting + "=" + value);
    }

    /** Whether the operator confined stashes to roots. */
    public boolean confined() {
        return setting != null;
    }

    /**
     * Why {@code stashPath} (the stash's directory) may not be used; empty when it lies inside a root, or when stashes
     * are not confined.
     */
    public Optional<String> problem(Path stashPath) {
        if (!confined()) {
            return Optional.empty();
        }
        Path real = resolved(stashPath);
        for (Path root : roots) {
            if (real.startsWith(root) && !real.equals(root)) {
                return Optional.empty();
            }
        }
        String resolvedNote = real.equals(stashPath.toAbsolutePath().normalize()) ? "" : " (it resolves to " + real + ")";
        return Optional.of("the stash " + stashPath + resolvedNote + " is outside the directories this worker allows for "
            + "stashes, " + roots + " (" + setting + "). Set " + StashConnectorConfig.STASH_DIR_CONFIG + " to a directory "
            + "inside one of them, or ask the worker's operator to add a root.");
    }

    /**
     * {@code path} with every symbolic link resolved and {@code ..} removed: the real path of its longest existing
     * part, followed by the parts that do not exist yet (a link created there later is not followed).
     */
    static Path resolved(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve " + existing + " to check it against " + ENV, e);
        }
    }
}
