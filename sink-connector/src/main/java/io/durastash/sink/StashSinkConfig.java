package io.durastash.sink;

import io.durastash.connect.StashConnectorConfig;
import io.durastash.connect.StashOwners;
import io.durastash.sink.placement.DrainerAssignor;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configuration of {@link StashSinkConnector} and its tasks. */
public final class StashSinkConfig extends StashConnectorConfig {
    public static final String STASH_MAX_BYTES_CONFIG = "stash.max.bytes";
    public static final long STASH_MAX_BYTES_MIN = 1024L * 1024;
    public static final long STASH_MAX_BYTES_DEFAULT = 10L * 1024 * 1024 * 1024;
    private static final String STASH_MAX_BYTES_DOC = "The most the stash may take: the encoded bytes of the records "
        + "it holds (pending and claimed but not yet acknowledged batches), and, once it holds half of that, its files "
        + "on disk (records, drained batches not given back yet, the WAL, RocksDB's own files). Above it the sink "
        + "pauses its input partitions, so consumer lag grows instead of the disk; it resumes once the source connector "
        + "has drained the stash, and the sink has given back the space of what was drained, below stash.resume.percent "
        + "of this limit. Nothing is dropped. Leave room above it on the disk for a compaction and a poll or two.";

    public static final String STASH_MIN_FREE_BYTES_CONFIG = "stash.min.free.bytes";
    public static final long STASH_MIN_FREE_BYTES_DEFAULT = 256L * 1024 * 1024;
    private static final String STASH_MIN_FREE_BYTES_DOC = "The least free space the stash's filesystem may have. Below "
        + "it the sink pauses its input partitions, as above stash.max.bytes, and resumes once that much divided by "
        + "stash.resume.percent is free again: other files can fill a shared disk, and RocksDB needs room to compact. "
        + "Nothing is dropped. A write that still fails for lack of space is retried, not a task failure. 0 turns the "
        + "floor off.";

    public static final String STASH_VOLUME_BYTES_CONFIG = "stash.volume.bytes";
    public static final long STASH_VOLUME_BYTES_DEFAULT = 0;
    private static final String STASH_VOLUME_BYTES_DOC = "The size of the volume the stash's files must fit in, when "
        + "its filesystem does not say: a Kubernetes emptyDir with a sizeLimit (it sits on the node's disk, and the "
        + "kubelet evicts the pod once the files pass the limit), a quota, a share of a disk. The stash's own files "
        + "(records, WAL, RocksDB's files) count against it, and stash.min.free.bytes applies to what it leaves: the "
        + "sink pauses once the files reach this minus stash.min.free.bytes, gives back the space of what was drained, "
        + "and resumes when there is room. Set it to the volume's size; keep stash.min.free.bytes at three times or more "
        + "stash.memory.bytes (the WAL, a memtable flush and compactions write beyond what was sampled). 0 (the "
        + "default): the filesystem's free space alone.";

    public static final String STASH_RESUME_PERCENT_CONFIG = "stash.resume.percent";
    public static final int STASH_RESUME_PERCENT_DEFAULT = 80;
    private static final String STASH_RESUME_PERCENT_DOC = "After pausing at stash.max.bytes, the sink resumes its "
        + "input partitions once the stash holds less than this percentage of stash.max.bytes. A gap between the two "
        + "keeps partitions from flapping between paused and resumed.";

    public static final String INPUT_COMMIT_CONFIG = "input.commit";
    public static final String INPUT_COMMIT_DEFAULT = CommitMode.DELIVERED.configValue();
    private static final String INPUT_COMMIT_DOC = "When the input offsets are committed. 'delivered': only once every "
        + "record up to the offset was acknowledged by Kafka on the output side (or deliberately dropped by the source "
        + "connector's transforms or error tolerance). The stash is then a cache that Kafka can rebuild: a worker that "
        + "loses its disk, or a Kubernetes pod rescheduled without its volume, costs re-consumption, never data; a "
        + "partition that moves to another worker is consumed again there from what was delivered, in order, and the "
        + "records the old worker's stash still holds of it are not delivered from there. At least once: records in "
        + "flight when a worker dies may arrive twice. 'transactional': exactly once on a Connect cluster. The source "
        + "task delivers each stash batch in a Kafka transaction that also commits the input offsets of its records, "
        + "under the consumer group generation of the sink task that owns their partition, so a worker that lost a "
        + "partition (killed, frozen, cut off) can no longer deliver its records: read_committed readers see every "
        + "input record once, through kills, moves, lost disks and zombies. The source task then writes with a producer "
        + "of its own (no transforms; the connector's converters). 'stashed': as soon as the records are durable in "
        + "the stash. Use it only for stash disks that outlive their worker (a persistent volume that follows the pod): "
        + "a lost disk loses everything it held that was not delivered; when a partition moves, records the old stash "
        + "still holds are delivered from there, possibly after newer ones and more than once.";

    public static final String STASH_SYNC_CONFIG = "stash.sync";
    public static final boolean STASH_SYNC_DEFAULT = true;
    private static final String STASH_SYNC_DOC = "Whether the source delivers a stashed batch only once it is durable. "
        + "With true, the sink's writes do not wait for the disk: one group commit syncs RocksDB's write-ahead log for "
        + "every poll, of every task on the stash, written since the last sync, and only then can those batches be "
        + "delivered, so nothing is emitted that a power loss could take back. With false, batches can be delivered "
        + "before they reach the disk. Either way committed offsets never run ahead of what is durable: with "
        + "input.commit=stashed the sink syncs before each offset commit, and with input.commit=delivered only "
        + "delivered offsets are committed; a power loss only causes records to be consumed again.";

    public static final String GROUP_BY_CONFIG = "group.by";
    public static final String GROUP_BY_DEFAULT = GroupBy.TOPIC.configValue();
    private static final String GROUP_BY_DOC = "How the records of each poll are split into stash batches, the unit "
        + "the source connector emits in one go (and in one transaction when exactly-once is enabled). 'topic': one "
        + "batch per topic, as named after the connector's transforms. 'header': one batch per value of the header "
        + "named by group.by.header; records without it go to the group named by the empty string. 'none': one batch "
        + "per poll. Per input partition the order is always kept: when grouping would reorder a partition's records "
        + "(interleaved header values), the poll is written as several consecutive batches of the same group.";

    public static final String GROUP_BY_HEADER_CONFIG = "group.by.header";
    public static final String GROUP_BY_HEADER_DEFAULT = null;
    private static final String GROUP_BY_HEADER_DOC = "With group.by=header, the header whose value, as a string, "
        + "names the batch group of a record (the last one, if a record has several). Byte values are read as UTF-8. "
        + "Only used with group.by=header.";

    public static final String GROUPING_GROUP = "Grouping";

    public static final ConfigDef CONFIG_DEF = configDef();

    private final GroupBy groupBy;

    public StashSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.groupBy = GroupBy.parse(getString(GROUP_BY_CONFIG));
        Map<String, String> problems = combinationProblems(groupBy, getString(GROUP_BY_HEADER_CONFIG));
        if (!problems.isEmpty()) {
            Map.Entry<String, String> first = problems.entrySet().iterator().next();
            throw new ConfigException(first.getKey(), props.get(first.getKey()), first.getValue());
        }
        volumeProblem(volumeBytes(), minFreeBytes()).ifPresent(problem -> {
            throw new ConfigException(STASH_VOLUME_BYTES_CONFIG, volumeBytes(), problem);
        });
    }

    private static ConfigDef configDef() {
        ConfigDef def = baseConfigDef();
        int order = BASE_GROUP_SIZE;
        def.define(STASH_MAX_BYTES_CONFIG, Type.LONG, STASH_MAX_BYTES_DEFAULT, ConfigDef.Range.atLeast(STASH_MAX_BYTES_MIN),
                Importance.HIGH, STASH_MAX_BYTES_DOC, GROUP, ++order, Width.MEDIUM, "Stash size limit (bytes)")
            .define(STASH_MIN_FREE_BYTES_CONFIG, Type.LONG, STASH_MIN_FREE_BYTES_DEFAULT, ConfigDef.Range.atLeast(0L),
                Importance.MEDIUM, STASH_MIN_FREE_BYTES_DOC, GROUP, ++order, Width.MEDIUM,
                "Least free disk (bytes)")
            .define(STASH_VOLUME_BYTES_CONFIG, Type.LONG, STASH_VOLUME_BYTES_DEFAULT, ConfigDef.Range.atLeast(0L),
                Importance.MEDIUM, STASH_VOLUME_BYTES_DOC, GROUP, ++order, Width.MEDIUM,
                "Volume size (bytes)")
            .define(STASH_RESUME_PERCENT_CONFIG, Type.INT, STASH_RESUME_PERCENT_DEFAULT, ConfigDef.Range.between(1, 99),
                Importance.LOW, STASH_RESUME_PERCENT_DOC, GROUP, ++order, Width.SHORT,
                "Resume below (% of stash.max.bytes)")
            .define(STASH_SYNC_CONFIG, Type.BOOLEAN, STASH_SYNC_DEFAULT, TRUE_OR_FALSE, Importance.MEDIUM,
                STASH_SYNC_DOC, GROUP, ++order, Width.SHORT, "Sync every poll")
            .define(INPUT_COMMIT_CONFIG, Type.STRING, INPUT_COMMIT_DEFAULT, ConfigDef.CaseInsensitiveValidString.in(
                    Arrays.stream(CommitMode.values()).map(CommitMode::configValue).toArray(String[]::new)),
                Importance.HIGH, INPUT_COMMIT_DOC, GROUP, ++order, Width.SHORT, "Commit input offsets when");
        int groupingOrder = 0;
        String[] groupByValues = Arrays.stream(GroupBy.values()).map(GroupBy::configValue).toArray(String[]::new);
        def.define(GROUP_BY_CONFIG, Type.STRING, GROUP_BY_DEFAULT, ConfigDef.CaseInsensitiveValidString.in(groupByValues),
                Importance.MEDIUM, GROUP_BY_DOC, GROUPING_GROUP, ++groupingOrder, Width.SHORT, "Group by",
                List.of(GROUP_BY_HEADER_CONFIG))
            .define(GROUP_BY_HEADER_CONFIG, Type.STRING, GROUP_BY_HEADER_DEFAULT, new ConfigDef.NonEmptyStringWithoutControlChars(),
                Importance.MEDIUM, GROUP_BY_HEADER_DOC, GROUPING_GROUP, ++groupingOrder, Width.MEDIUM, "Group header",
                new HeaderRecommender());
        return def;
    }

    /**
     * Validates {@code props} key by key, then the combinations of keys, attaching each problem to the key a user
     * has to change. Called by {@link StashSinkConnector#validate(Map)}.
     */
    static Config validate(Map<String, String> props) {
        return validate(CONFIG_DEF, props, StashOwners.Role.SINK, (keys, parsed, problem) -> {
            placementProblem(keys).ifPresent(message -> problem.accept(ASSIGNMENT_STRATEGY_OVERRIDE, message));
            if (parsed.get(STASH_VOLUME_BYTES_CONFIG).value() instanceof Long volumeBytes
                && parsed.get(STASH_MIN_FREE_BYTES_CONFIG).value() instanceof Long minFreeBytes) {
                volumeProblem(volumeBytes, minFreeBytes)
                    .ifPresent(message -> problem.accept(STASH_VOLUME_BYTES_CONFIG, message));
            }
            ConfigValue groupByValue = parsed.get(GROUP_BY_CONFIG);
            ConfigValue headerValue = parsed.get(GROUP_BY_HEADER_CONFIG);
            if (groupByValue.errorMessages().isEmpty() && headerValue.errorMessages().isEmpty()) {
                combinationProblems(GroupBy.parse((String) groupByValue.value()), (String) headerValue.value())
                    .forEach(problem);
            }
        });
    }

    /** Why stash.volume.bytes leaves the stash no room above stash.min.free.bytes; empty when it does not. */
    private static java.util.Optional<String> volumeProblem(long volumeBytes, long minFreeBytes) {
        if (volumeBytes == 0 || volumeBytes > minFreeBytes) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(STASH_VOLUME_BYTES_CONFIG + "=" + volumeBytes + " leaves the stash no room: the "
            + "sink pauses below " + STASH_MIN_FREE_BYTES_CONFIG + "=" + minFreeBytes + " free bytes, and the volume is "
            + "no larger. Set " + STASH_VOLUME_BYTES_CONFIG + " to the volume's size, or lower "
            + STASH_MIN_FREE_BYTES_CONFIG + ".");
    }

    /**
     * The consumer override by which the sink's group places its input partitions ({@code DrainerAssignor}): only
     * workers that drain their stash consume, partitions stay where they are, and each worker learns where the
     * partitions it gave up went.
     */
    public static final String ASSIGNMENT_STRATEGY_OVERRIDE = "consumer.override.partition.assignment.strategy";
    static final String GROUP_PROTOCOL_OVERRIDE = "consumer.override.group.protocol";

    /** Why the consumers of the sink's tasks would not place input partitions as the stashes need; empty when they do. */
    static java.util.Optional<String> placementProblem(Map<String, String> props) {
        String line = "\"" + ASSIGNMENT_STRATEGY_OVERRIDE + "\": \"" + DrainerAssignor.class.getName() + "\"";
        String strategy = props.get(ASSIGNMENT_STRATEGY_OVERRIDE);
        if (strategy == null || Arrays.stream(strategy.split(",")).map(String::trim)
            .noneMatch(DrainerAssignor.class.getName()::equals)) {
            return java.util.Optional.of("On a Connect cluster every worker has its own stash, so the sink's input "
                + "partitions must go to workers that drain theirs, and each worker must learn where a partition it gave "
                + "up went: the plugin's DrainerAssignor does that. Add " + line + " to the connector's config (the "
                + "workers' connector.client.config.override.policy must allow consumer overrides: 'All', Kafka's "
                + "default, does).");
        }
        String protocol = props.get(GROUP_PROTOCOL_OVERRIDE);
        if (protocol != null && "consumer".equalsIgnoreCase(protocol.trim())) {
            return java.util.Optional.of("The DrainerAssignor needs the classic consumer group protocol, but "
                + GROUP_PROTOCOL_OVERRIDE + "=consumer assigns partitions on the broker. Remove "
                + GROUP_PROTOCOL_OVERRIDE + " and keep " + line + ".");
        }
        return java.util.Optional.empty();
    }

    /** Problems with how keys combine, by the key to fix; empty when the combination is sound. */
    private static Map<String, String> combinationProblems(GroupBy groupBy, String header) {
        Map<String, String> problems = new LinkedHashMap<>();
        boolean headerSet = header != null && !header.isBlank();
        if (groupBy == GroupBy.HEADER && !headerSet) {
            problems.put(GROUP_BY_HEADER_CONFIG, GROUP_BY_HEADER_CONFIG + " must name the header whose value names the "
                + "batch group when " + GROUP_BY_CONFIG + "=header. Set " + GROUP_BY_HEADER_CONFIG + ", or use "
                + GROUP_BY_CONFIG + "=topic or none.");
        } else if (groupBy != GroupBy.HEADER && header != null) {
            problems.put(GROUP_BY_HEADER_CONFIG, GROUP_BY_HEADER_CONFIG + " is only used with " + GROUP_BY_CONFIG
                + "=header, but " + GROUP_BY_CONFIG + "=" + groupBy.configValue() + ". Set " + GROUP_BY_CONFIG
                + "=header to group by this header, or remove " + GROUP_BY_HEADER_CONFIG + ".");
        }
        return problems;
    }

    public long maxBytes() {
        return getLong(STASH_MAX_BYTES_CONFIG);
    }

    public long minFreeBytes() {
        return getLong(STASH_MIN_FREE_BYTES_CONFIG);
    }

    public long volumeBytes() {
        return getLong(STASH_VOLUME_BYTES_CONFIG);
    }

    public int resumePercent() {
        return getInt(STASH_RESUME_PERCENT_CONFIG);
    }

    public boolean sync() {
        return getBoolean(STASH_SYNC_CONFIG);
    }

    public CommitMode commitMode() {
        return CommitMode.parse(getString(INPUT_COMMIT_CONFIG));
    }

    public GroupBy groupBy() {
        return groupBy;
    }

    /** The header that names the group with {@code group.by=header}; null otherwise. */
    public String groupByHeader() {
        return getString(GROUP_BY_HEADER_CONFIG);
    }

    public Grouping grouping() {
        return new Grouping(groupBy, groupByHeader());
    }

    /** Shows {@code group.by.header} only where it applies, in UIs built on the validate endpoint. */
    private static final class HeaderRecommender implements ConfigDef.Recommender {
        @Override
        public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
            return List.of();
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsedConfig) {
            Object groupBy = parsedConfig.get(GROUP_BY_CONFIG);
            return groupBy != null && GroupBy.HEADER.configValue().equalsIgnoreCase(groupBy.toString().trim());
        }
    }

    /** Prints the configuration reference, generated from {@link #CONFIG_DEF}. */
    public static void main(String[] args) {
        System.out.println(CONFIG_DEF.toEnrichedRst());
    }
}
