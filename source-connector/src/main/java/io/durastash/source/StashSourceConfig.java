package io.durastash.source;

import io.durastash.connect.LoopMark;
import io.durastash.connect.StashConnectorConfig;
import io.durastash.connect.StashOwners;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.source.SourceTask;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The configuration of {@link StashSourceConnector} and its tasks. */
public final class StashSourceConfig extends StashConnectorConfig {
    public static final String OUTPUT_GROUP = "Output";
    public static final String DRAIN_GROUP = "Drain";

    public static final String TOPIC_CONFIG = "topic";
    public static final String TOPIC_DEFAULT = TopicTemplate.PLACEHOLDER;
    private static final String TOPIC_DOC = "The topic each record is written to. " + TopicTemplate.PLACEHOLDER
        + " stands for the record's input topic (the topic the sink connector read it from): the default writes every "
        + "record to a topic of the same name as its input topic (typically on another cluster, through "
        + "producer.override.bootstrap.servers), '" + TopicTemplate.PLACEHOLDER + ".buffered' mirrors each input topic to "
        + "a topic with that suffix, and a template without the placeholder sends every record to that one topic. "
        + "The result must be a legal topic name: letters, digits, '.', '_' and '-', at most 249 characters.";

    public static final String PRESERVE_PARTITION_CONFIG = "preserve.partition";
    public static final boolean PRESERVE_PARTITION_DEFAULT = true;
    private static final String PRESERVE_PARTITION_DOC = "Whether each record keeps the partition number it had in its "
        + "input topic, which keeps per-partition order end to end. The output topic then needs at least as many "
        + "partitions as the input topic. When false, the producer's partitioner chooses the partition (by key).";

    public static final String PROVENANCE_HEADERS_CONFIG = "provenance.headers";
    public static final boolean PROVENANCE_HEADERS_DEFAULT = false;
    private static final String PROVENANCE_HEADERS_DOC = "Whether to add headers that tell loaders where each record "
        + "came from, so that they can rebuild the stash's batch boundaries: <prefix>batch.id (the stash batch, "
        + "increasing), <prefix>batch.index (the record's position in it, from 0), <prefix>batch.size (records in the "
        + "batch; fewer arrive if a corrupt record was quarantined), <prefix>input.topic, <prefix>input.partition and "
        + "<prefix>input.offset. Each value is UTF-8 text (decimal numbers, the topic name) carried as BYTES, the only "
        + "header schema both usual header converters accept: with header.converter="
        + "org.apache.kafka.connect.converters.ByteArrayConverter the header holds that text ('42'); the default "
        + "SimpleHeaderConverter writes bytes Base64-encoded, so there it holds the Base64 of that text ('NDI='). A "
        + "STRING or INT64 schema would make ByteArrayConverter fail the task with a DataException.";

    public static final String LOOP_HEADER_CONFIG = "loop.header";
    public static final boolean LOOP_HEADER_DEFAULT = true;
    private static final String LOOP_HEADER_DOC = "Whether to add the header " + LoopMark.HEADER + " (this stash's id, "
        + "36 bytes of text) to every record, next to those of stashes the record passed before. A DuraStash sink does "
        + "not stash a record that carries its own stash's id: a loop through other connectors (this pair's output "
        + "is, directly or not, an input of its sink) then ends after one round, counted in looped-record-total, "
        + "instead of growing a topic without end. A record that has no other header costs Connect and the producer "
        + "noticeably more with one: about a quarter of the pair's CPU for 100-byte records. Turn it off when a "
        + "consumer of the output cannot accept the header, or when the output cannot reach the sink's input and "
        + "small records make that cost matter.";

    public static final String PROVENANCE_HEADER_PREFIX_CONFIG = "provenance.header.prefix";
    public static final String PROVENANCE_HEADER_PREFIX_DEFAULT = "durastash.";
    private static final String PROVENANCE_HEADER_PREFIX_DOC = "The prefix of the provenance header keys (see "
        + PROVENANCE_HEADERS_CONFIG + "). Headers with these keys that a record already carries are replaced.";

    public static final String POLL_MAX_RECORDS_CONFIG = "poll.max.records";
    public static final int POLL_MAX_RECORDS_DEFAULT = 2000;
    private static final String POLL_MAX_RECORDS_DOC = "The most records one poll hands to Connect. A stash batch larger "
        + "than this is emitted over several polls, read from disk as it goes; with Connect's exactly-once transactions "
        + "(transaction.boundary=connector) a poll finishes the batch it is in, so that no transaction stays open "
        + "between polls.";

    public static final String POLL_MAX_BYTES_CONFIG = "poll.max.bytes";
    public static final long POLL_MAX_BYTES_DEFAULT = 8L * 1024 * 1024;
    private static final String POLL_MAX_BYTES_DOC = "The most bytes of records one poll hands to Connect, counted as "
        + "the records take them in the stash; a poll holds its records in memory until Connect sends them. A poll "
        + "hands out at least one record, whatever its size, and with Connect's exactly-once transactions "
        + "(transaction.boundary=connector) finishes the batch it is in.";

    public static final String POLL_WAIT_MS_CONFIG = "poll.wait.ms";
    public static final long POLL_WAIT_MS_DEFAULT = 500L;
    public static final long POLL_WAIT_MS_MAX = 5_000L;
    private static final String POLL_WAIT_MS_DOC = "How long a poll waits for a loadable batch when the stash has none "
        + "(it returns as soon as one arrives), and how long a standby task waits between checks for the drainer's "
        + "stop. Connect stops a source task only after its poll returns, so this bounds how long a stop or pause "
        + "takes; it is capped well below the worker's task.shutdown.graceful.timeout.ms default (5 s).";

    public static final String LOAD_HOLD_MS_CONFIG = "load.hold.ms";
    public static final long LOAD_HOLD_MS_DEFAULT = 0L;
    private static final String LOAD_HOLD_MS_DOC = "How old a stash batch must be before it is drained. 0 drains "
        + "batches as soon as the sink has stashed them; a hold lets the stash absorb bursts, or delays delivery on "
        + "purpose.";

    public static final String TRANSACTION_MAX_MS_CONFIG = "transaction.max.ms";
    public static final long TRANSACTION_MAX_MS_DEFAULT = 100L;
    public static final long TRANSACTION_MAX_MS_MAX = 10_000L;
    private static final String TRANSACTION_MAX_MS_DOC = "With the sink's input.commit=transactional: how long one "
        + "transaction gathers the stash batches that are loadable before it commits (it commits as soon as none is). "
        + "A transaction costs its commit round trips whatever it holds, so under load larger transactions deliver "
        + "more; read_committed readers see the records up to this much later. 0 commits after every "
        + POLL_MAX_RECORDS_CONFIG + " records (whole batches). Like Kafka Streams' commit.interval.ms under "
        + "exactly-once. Keep it well below the transaction timeout (producer.override.transaction.timeout.ms).";

    /** Framework keys of a source connector's config that {@link StashSourceConnector#validate} cross-checks. */
    static final String TRANSACTION_BOUNDARY_CONFIG = SourceTask.TRANSACTION_BOUNDARY_CONFIG;
    /** Kafka's SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_CONFIG (in connect-runtime, which plugins do not see). */
    static final String EXACTLY_ONCE_SUPPORT_CONFIG = "exactly.once.support";
    /** Kafka's SourceConnectorConfig.OFFSETS_TOPIC_CONFIG. */
    static final String OFFSETS_TOPIC_CONFIG = "offsets.storage.topic";
    /** Where the source's producer writes when it is not the worker's cluster. */
    static final String PRODUCER_BOOTSTRAP_OVERRIDE = "producer.override.bootstrap.servers";
    /** The transaction timeout of the source's own transactions, when the connector overrides it. */
    static final String TRANSACTION_TIMEOUT_OVERRIDE = "producer.override.transaction.timeout.ms";

    private static final ConfigDef CONFIG_DEF = buildConfigDef();

    private final TopicTemplate topicTemplate;

    public StashSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.topicTemplate = new TopicTemplate(getString(TOPIC_CONFIG));
    }

    private static ConfigDef buildConfigDef() {
        ConfigDef def = baseConfigDef();
        int output = 0;
        def.define(TOPIC_CONFIG, Type.STRING, TOPIC_DEFAULT, TopicTemplate.VALIDATOR, Importance.HIGH, TOPIC_DOC,
                OUTPUT_GROUP, ++output, Width.LONG, "Output topic")
            .define(PRESERVE_PARTITION_CONFIG, Type.BOOLEAN, PRESERVE_PARTITION_DEFAULT, TRUE_OR_FALSE,
                Importance.MEDIUM, PRESERVE_PARTITION_DOC, OUTPUT_GROUP, ++output, Width.SHORT, "Preserve input partition")
            .define(PROVENANCE_HEADERS_CONFIG, Type.BOOLEAN, PROVENANCE_HEADERS_DEFAULT, TRUE_OR_FALSE,
                Importance.MEDIUM, PROVENANCE_HEADERS_DOC, OUTPUT_GROUP, ++output, Width.SHORT, "Provenance headers")
            .define(PROVENANCE_HEADER_PREFIX_CONFIG, Type.STRING, PROVENANCE_HEADER_PREFIX_DEFAULT,
                new ConfigDef.NonEmptyString(), Importance.LOW, PROVENANCE_HEADER_PREFIX_DOC, OUTPUT_GROUP, ++output,
                Width.MEDIUM, "Provenance header prefix")
            .define(LOOP_HEADER_CONFIG, Type.BOOLEAN, LOOP_HEADER_DEFAULT, TRUE_OR_FALSE,
                Importance.LOW, LOOP_HEADER_DOC, OUTPUT_GROUP, ++output, Width.SHORT, "Loop header");
        int drain = 0;
        def.define(POLL_MAX_RECORDS_CONFIG, Type.INT, POLL_MAX_RECORDS_DEFAULT, Range.atLeast(1), Importance.MEDIUM,
                POLL_MAX_RECORDS_DOC, DRAIN_GROUP, ++drain, Width.SHORT, "Max records per poll")
            .define(POLL_MAX_BYTES_CONFIG, Type.LONG, POLL_MAX_BYTES_DEFAULT, Range.atLeast(1L), Importance.LOW,
                POLL_MAX_BYTES_DOC, DRAIN_GROUP, ++drain, Width.SHORT, "Max bytes per poll")
            .define(POLL_WAIT_MS_CONFIG, Type.LONG, POLL_WAIT_MS_DEFAULT, Range.between(1L, POLL_WAIT_MS_MAX),
                Importance.LOW, POLL_WAIT_MS_DOC, DRAIN_GROUP, ++drain, Width.SHORT, "Poll wait (ms)")
            .define(LOAD_HOLD_MS_CONFIG, Type.LONG, LOAD_HOLD_MS_DEFAULT, Range.atLeast(0L), Importance.MEDIUM,
                LOAD_HOLD_MS_DOC, DRAIN_GROUP, ++drain, Width.SHORT, "Load hold (ms)")
            .define(TRANSACTION_MAX_MS_CONFIG, Type.LONG, TRANSACTION_MAX_MS_DEFAULT,
                Range.between(0L, TRANSACTION_MAX_MS_MAX), Importance.LOW, TRANSACTION_MAX_MS_DOC, DRAIN_GROUP, ++drain,
                Width.SHORT, "Transaction max (ms)");
        return def;
    }

    public static ConfigDef configDef() {
        return CONFIG_DEF;
    }

    /**
     * Validates {@code props} key by key, then the checks that involve more than one key, or framework keys of the
     * connector config, which the {@link ConfigDef} validators cannot see, attaching each problem to the key a user has
     * to change. Called by {@link StashSourceConnector#validate(Map)}.
     */
    static Config validate(Map<String, String> props) {
        return validate(CONFIG_DEF, props, StashOwners.Role.SOURCE, (keys, parsed, problem) -> {
            crossCheck(keys, problem);
            if (parsed.get(TRANSACTION_MAX_MS_CONFIG).value() instanceof Long gathering) {
                transactionWithinTimeout(gathering, keys.get(TRANSACTION_TIMEOUT_OVERRIDE), problem);
            }
        });
    }

    private static void crossCheck(Map<String, String> props, BiConsumer<String, String> errors) {
        String boundary = normalized(props.get(TRANSACTION_BOUNDARY_CONFIG));
        String exactlyOnce = normalized(props.get(EXACTLY_ONCE_SUPPORT_CONFIG));
        if (SourceTask.TransactionBoundary.CONNECTOR.toString().equals(boundary) && !"required".equals(exactlyOnce)) {
            errors.accept(TRANSACTION_BOUNDARY_CONFIG, TRANSACTION_BOUNDARY_CONFIG + "=connector makes each stash batch one "
                + "Kafka transaction, but only a worker with exactly-once source support (exactly.once.source.support="
                + "enabled) runs transactions; elsewhere the connector would silently deliver without them. Set "
                + EXACTLY_ONCE_SUPPORT_CONFIG + "=required so that such a worker rejects the connector, or remove "
                + TRANSACTION_BOUNDARY_CONFIG + ".");
        }
        String template = props.getOrDefault(TOPIC_CONFIG, TOPIC_DEFAULT);
        String otherCluster = props.get(PRODUCER_BOOTSTRAP_OVERRIDE);
        if (TopicTemplate.PLACEHOLDER.equals(template.trim()) && (otherCluster == null || otherCluster.isBlank())) {
            errors.accept(TOPIC_CONFIG, TOPIC_CONFIG + "=" + TopicTemplate.PLACEHOLDER + " writes every record back to its "
                + "input topic on the worker's own cluster (" + PRODUCER_BOOTSTRAP_OVERRIDE + " is not set), where the "
                + "sink connector reads it again, in a loop. Name another topic (for example " + TopicTemplate.PLACEHOLDER
                + ".buffered), or set " + PRODUCER_BOOTSTRAP_OVERRIDE + " to the cluster the records go to.");
        }
        String offsetsTopic = props.get(OFFSETS_TOPIC_CONFIG);
        if (offsetsTopic != null && TopicTemplate.problem(template).isEmpty()
            && new TopicTemplate(template).fixedTopic().filter(offsetsTopic.trim()::equals).isPresent()) {
            errors.accept(TOPIC_CONFIG, TOPIC_CONFIG + "=" + template + " names this connector's offsets topic ("
                + OFFSETS_TOPIC_CONFIG + "); stash records there would corrupt the offsets. Choose another output topic.");
        }
    }

    /**
     * A transaction that gathers batches for half its timeout or more would risk being aborted by the coordinator.
     * {@code timeout}: the connector's override of the transaction timeout, or null.
     */
    private static void transactionWithinTimeout(long gathering, String timeout, BiConsumer<String, String> errors) {
        long timeoutMs;
        try {
            timeoutMs = timeout == null ? TransactionalDelivery.TRANSACTION_TIMEOUT_MS : Long.parseLong(timeout.trim());
        } catch (NumberFormatException e) {
            return; // a timeout that is not a number is the producer config's to refuse
        }
        if (gathering * 2 > timeoutMs) {
            errors.accept(TRANSACTION_MAX_MS_CONFIG, TRANSACTION_MAX_MS_CONFIG + "=" + gathering + " lets a transaction "
                + "gather batches for half or more of its timeout (" + TRANSACTION_TIMEOUT_OVERRIDE + "=" + timeoutMs
                + "), and the transaction coordinator aborts a transaction that outlives it. Set "
                + TRANSACTION_MAX_MS_CONFIG + " below " + timeoutMs / 2 + ", or raise the timeout.");
        }
    }

    private static String normalized(String value) {
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }

    TopicTemplate topicTemplate() {
        return topicTemplate;
    }

    public String topic() {
        return getString(TOPIC_CONFIG);
    }

    public boolean preservePartition() {
        return getBoolean(PRESERVE_PARTITION_CONFIG);
    }

    public boolean provenanceHeaders() {
        return getBoolean(PROVENANCE_HEADERS_CONFIG);
    }

    public String provenanceHeaderPrefix() {
        return getString(PROVENANCE_HEADER_PREFIX_CONFIG);
    }

    public int pollMaxRecords() {
        return getInt(POLL_MAX_RECORDS_CONFIG);
    }

    public long pollMaxBytes() {
        return getLong(POLL_MAX_BYTES_CONFIG);
    }

    public long pollWaitMs() {
        return getLong(POLL_WAIT_MS_CONFIG);
    }

    public long loadHoldMs() {
        return getLong(LOAD_HOLD_MS_CONFIG);
    }

    public long transactionMaxMs() {
        return getLong(TRANSACTION_MAX_MS_CONFIG);
    }

    /** The mark of stash {@code stashId} for the records emitted, when {@code loop.header} is on. */
    Optional<LoopMark> loopMark(java.util.UUID stashId) {
        return getBoolean(LOOP_HEADER_CONFIG) ? Optional.of(new LoopMark(stashId)) : Optional.empty();
    }

    /** The provenance headers to add, or empty when {@link #provenanceHeaders()} is off. */
    Optional<ProvenanceHeaders> provenance() {
        return provenanceHeaders() ? Optional.of(new ProvenanceHeaders(provenanceHeaderPrefix())) : Optional.empty();
    }

    /** Prints the configuration reference, generated from the {@link ConfigDef}. */
    public static void main(String[] args) {
        System.out.println(CONFIG_DEF.toEnrichedRst());
    }
}
