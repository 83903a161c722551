package io.durastash.connect;

import io.durastash.stash.model.StashOptions;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What the sink's and the source's configs share, as Kafka's {@code MirrorConnectorConfig} is for MirrorMaker's
 * connectors: the keys that name the stash a pair shares ({@code stash.dir}, {@code stash.name}; the pair shares a
 * stash when both name the same ones in one worker) and its memory, the connector's name, the stash's
 * {@link StashLocation}, and the validation both run: key by key, the stash's placement (inside the worker's roots,
 * not another pair's), then the checks of key combinations each connector adds ({@link CrossCheck}).
 */
public abstract class StashConnectorConfig extends AbstractConfig {
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

    /** The connector's name, set by the Connect runtime; it owns the stash with its partner's ({@link StashOwners}). */
    public static final String CONNECTOR_NAME_CONFIG = "name";
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

    /** How many entries {@link #baseConfigDef()} puts in the "Stash" group, so that a connector continues its order. */
    protected static final int BASE_GROUP_SIZE = 3;

    private final StashLocation location;

    protected StashConnectorConfig(ConfigDef def, Map<String, String> props) {
        super(def, props);
        this.location = StashLocation.of(getString(STASH_DIR_CONFIG), getString(STASH_NAME_CONFIG));
    }

    /** A definition holding the shared keys, as the first entries of the "Stash" group, for a connector to extend. */
    protected static ConfigDef baseConfigDef() {
        int order = 0;
        return new ConfigDef()
            .define(STASH_DIR_CONFIG, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
                ConfigDef.CompositeValidator.of(new ConfigDef.NonNullValidator(), new ConfigDef.NonEmptyString()),
                ConfigDef.Importance.HIGH, STASH_DIR_DOC, GROUP, ++order, ConfigDef.Width.LONG, "Stash directory")
            .define(STASH_NAME_CONFIG, ConfigDef.Type.STRING, STASH_NAME_DEFAULT, new StashNameValidator(),
                ConfigDef.Importance.HIGH, STASH_NAME_DOC, GROUP, ++order, ConfigDef.Width.MEDIUM, "Stash name")
            .define(STASH_MEMORY_BYTES_CONFIG, ConfigDef.Type.LONG, STASH_MEMORY_BYTES_DEFAULT,
                ConfigDef.Range.atLeast(StashOptions.MIN_MEMORY_BYTES), ConfigDef.Importance.LOW, STASH_MEMORY_BYTES_DOC,
                GROUP, ++order, ConfigDef.Width.SHORT, "Stash memory (bytes)");
    }

    /** The checks of key combinations a connector adds to {@link #validate}. */
    @FunctionalInterface
    protected interface CrossCheck {
        /**
         * Reports each problem with the connector config {@code props} to {@code problem}, with the key a user has to
         * change (a key {@code def} does not define, such as a framework or override key, is added to the result).
         *
         * @param parsed the values {@code def} parsed, by key: a key whose own validator failed has errors already
         */
        void check(Map<String, String> props, Map<String, ConfigValue> parsed, BiConsumer<String, String> problem);
    }

    /**
     * Validates {@code props} key by key against {@code def}, then where the stash lies (outside the worker's roots:
     * on {@code stash.dir}; another pair's stash: on {@code stash.name}), then {@code crossCheck}'s combinations,
     * attaching each problem to the key a user has to change. For a connector's {@code validate()}.
     */
    protected static Config validate(ConfigDef def, Map<String, String> props, StashOwners.Role role,
                                     CrossCheck crossCheck) {
        List<ConfigValue> values = new ArrayList<>(def.validate(props));
        Map<String, ConfigValue> byName = new LinkedHashMap<>();
        values.forEach(value -> byName.put(value.name(), value));
        BiConsumer<String, String> problem = (key, message) -> byName.computeIfAbsent(key, k -> {
            ConfigValue added = new ConfigValue(k, props.get(k), List.of(), new ArrayList<>());
            values.add(added);
            return added;
        }).addErrorMessage(message);
        placementProblems(props, role).forEach(problem);
        crossCheck.check(props, byName, problem);
        return new Config(values);
    }

    /**
     * Where the connector {@code props} (in {@code role}) puts its stash, per key: a stash outside the worker's roots
     * (on {@code stash.dir}), a stash that another pair owns (on {@code stash.name}). Empty when the keys themselves
     * are invalid: their validators say why.
     */
    private static Map<String, String> placementProblems(Map<String, String> props, StashOwners.Role role) {
        String dir = props.get(STASH_DIR_CONFIG);
        String name = props.getOrDefault(STASH_NAME_CONFIG, STASH_NAME_DEFAULT);
        Map<String, String> problems = new LinkedHashMap<>();
        if (dir == null || dir.isBlank() || name == null) {
            return problems;
        }
        StashLocation location;
        try {
            location = StashLocation.of(dir, name);
        } catch (ConfigException e) {
            return problems;
        }
        location.outsideRoots().ifPresent(problem -> problems.put(STASH_DIR_CONFIG, problem));
        String connector = props.get(CONNECTOR_NAME_CONFIG);
        if (problems.isEmpty() && connector != null && Files.isDirectory(location.path())) {
            StashOwners.refusal(location.path(), role, connector)
                .ifPresent(problem -> problems.put(STASH_NAME_CONFIG, problem));
        }
        return problems;
    }

    /** The connector's name ({@code name}), owner of the stash with its partner; null when the runtime did not pass it. */
    public String connectorName() {
        Object name = originals().get(CONNECTOR_NAME_CONFIG);
        return name == null ? null : name.toString();
    }

    /** Where the stash lies, as configured; {@link #stashPath()} checks it against the worker's roots. */
    public StashLocation location() {
        return location;
    }

    /**
     * The stash's directory, {@code stash.dir/stash.name}, checked against the roots of the worker that asks
     * ({@link StashRoots}): a config validated on another worker is checked again where its task runs.
     *
     * @throws ConfigException on {@code stash.dir} when the roots do not allow it
     */
    public Path stashPath() {
        return location.allowedPath();
    }

    public StashOptions stashOptions() {
        return StashOptions.defaults().withMemoryBytes(getLong(STASH_MEMORY_BYTES_CONFIG));
    }
}
