package io.durastash.connect;

import io.durastash.stash.model.StashOptions;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys that name the stash a sink and a source share, defined once for both connectors: the pair
 * shares a stash when both name the same {@code stash.dir} and {@code stash.name} in one worker.
 */
public final class StashLocationConfig {
    public static final String GROUP = "Stash";
    /**
     * For boolean keys: refuses an explicit null and renders as "[true, false]" in the reference and in UIs (Kafka's
     * {@code NonNullValidator} renders as "non-null string").
     */
    public static final ConfigDef.Validator TRUE_OR_FALSE = ConfigDef.LambdaValidator.with((name, value) -> {
        if (value == null) {
            throw new ConfigException(name, null, "must be true or false");
        }
    }, () -> "[true, false]");

    /** The connector's name in its config, which owns the stash with its partner's ({@link StashOwners}). */
    public static final String CONNECTOR_NAME = "name";
    public static final String STASH_DIR_CONFIG = "stash.dir";
    private static final String STASH_DIR_DOC = "The directory on the worker's local disk that holds stashes. It must "
        + "be writable by the worker's user and, where the worker's operator set " + StashRoots.ENV + ", inside one of "
        + "the directories it lists. The sink and source connectors of a pair must name the same directory.";

    public static final String STASH_NAME_CONFIG = "stash.name";
    public static final String STASH_NAME_DEFAULT = "default";
    private static final String STASH_NAME_DOC = "The stash inside stash.dir that this connector writes to (sink) or "
        + "drains (source): a subdirectory name, so it may not contain '/' or '..'. The sink and source connectors of "
        + "a pair must use the same name. A stash belongs to the sink and the source connector that first used it: "
        + "connectors of other names are refused (hand it over with 'durastash owners').";

    public static final String STASH_MEMORY_BYTES_CONFIG = "stash.memory.bytes";
    public static final long STASH_MEMORY_BYTES_DEFAULT = StashOptions.DEFAULT_MEMORY_BYTES;
    private static final String STASH_MEMORY_BYTES_DOC = "Native memory cap of the stash: RocksDB's block cache, with "
        + "its write buffers (half of it) charged to the same cache. Applies when the stash is first opened in the "
        + "worker; connectors that share the stash share this memory.";

    private StashLocationConfig() {
    }

    /** Adds the stash keys to {@code def}, as the first entries of the "Stash" group. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
            .define(STASH_DIR_CONFIG, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                ConfigDef.CompositeValidator.of(new ConfigDef.NonNullValidator(), new ConfigDef.NonEmptyString()),
                ConfigDef.Importance.HIGH, STASH_DIR_DOC, GROUP, ++order, ConfigDef.Width.LONG, "Stash directory")
            .define(STASH_NAME_CONFIG, ConfigDef.Type.STRING, STASH_NAME_DEFAULT, new StashNameValidator(),
                ConfigDef.Importance.HIGH, STASH_NAME_DOC, GROUP, ++order, ConfigDef.Width.MEDIUM, "Stash name")
            .define(STASH_MEMORY_BYTES_CONFIG, ConfigDef.Type.LONG, STASH_MEMORY_BYTES_DEFAULT,
                ConfigDef.Range.atLeast(StashOptions.MIN_MEMORY_BYTES), ConfigDef.Importance.LOW, STASH_MEMORY_BYTES_DOC,
                GROUP, ++order, ConfigDef.Width.SHORT, "Stash memory (bytes)");
    }

    /** The number of entries {@link #define} adds to the group, so callers can continue its order. */
    public static int groupSize() {
        return 3;
    }

    /**
     * The stash directory: {@code stash.dir/stash.name}, checked to stay inside {@code stash.dir} and inside the
     * roots the worker allows ({@link StashRoots}).
     */
    public static Path stashPath(AbstractConfig config) {
        Path path = stashPath(config.getString(STASH_DIR_CONFIG), config.getString(STASH_NAME_CONFIG));
        StashRoots.ofWorker().problem(path).ifPresent(problem -> {
            throw new ConfigException(STASH_DIR_CONFIG, config.getString(STASH_DIR_CONFIG), problem);
        });
        return path;
    }

    private static Path stashPath(String dir, String name) {
        Path base = Paths.get(dir).toAbsolutePath().normalize();
        Path path = base.resolve(name).normalize();
        if (!path.startsWith(base) || path.equals(base)) {
            throw new ConfigException(STASH_NAME_CONFIG, name, "resolves to " + path + ", outside " + STASH_DIR_CONFIG
                + "=" + base);
        }
        return path;
    }

    /**
     * What {@code validate()} reports about where the connector {@code props} (in {@code role}) puts its stash, per
     * key: a stash outside the worker's roots (on {@code stash.dir}), a stash that another pair owns (on
     * {@code stash.name}). Empty when the keys themselves are invalid: their validators say why.
     */
    public static Map<String, String> placementProblems(Map<String, String> props, StashOwners.Role role) {
        String dir = props.get(STASH_DIR_CONFIG);
        String name = props.getOrDefault(STASH_NAME_CONFIG, STASH_NAME_DEFAULT);
        Map<String, String> problems = new LinkedHashMap<>();
        if (dir == null || dir.isBlank() || name == null) {
            return problems;
        }
        Path path;
        try {
            path = stashPath(dir.trim(), name.trim());
        } catch (ConfigException | InvalidPathException e) {
            return problems;
        }
        StashRoots.ofWorker().problem(path).ifPresent(problem -> problems.put(STASH_DIR_CONFIG, problem));
        String connector = props.get(CONNECTOR_NAME);
        if (problems.isEmpty() && connector != null && Files.isDirectory(path)) {
            StashOwners.refusal(path, role, connector).ifPresent(problem -> problems.put(STASH_NAME_CONFIG, problem));
        }
        return problems;
    }

    /** The connector's name ({@code name}); null when the runtime did not pass it. */
    public static String connectorName(AbstractConfig config) {
        Object name = config.originals().get(CONNECTOR_NAME);
        return name == null ? null : name.toString();
    }

    public static StashOptions stashOptions(AbstractConfig config) {
        return StashOptions.defaults().withMemoryBytes(config.getLong(STASH_MEMORY_BYTES_CONFIG));
    }
}
