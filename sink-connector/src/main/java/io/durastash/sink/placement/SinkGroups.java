package io.durastash.sink.placement;

import io.durastash.stash.SinkLedger;
import io.durastash.stash.Stash;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JVM-wide registry of the sink connectors' consumer groups in this worker, shared by the sink tasks and the
 * {@link DrainerAssignor} instances of their consumers: both are loaded by the plugin's one class loader. A consumer
 * is built (and its assignor configured) before its task starts, so a group exists from whichever comes first, and
 * goes with the last task. Thread-safe.
 */
public final class SinkGroups {
    /** Kafka Connect's consumer group of a sink connector, unless {@code consumer.override.group.id} names another. */
    static final String GROUP_PREFIX = "connect-";
    static final String GROUP_ID_OVERRIDE = "consumer.override.group.id";

    private static final SinkGroups JVM = new SinkGroups(new AdminRebalance());
    /** This worker, as the members of a group here tell the leader: a random id per JVM (per plugin class loader). */
    static final UUID WORKER = UUID.randomUUID();

    private final RebalanceRequest rebalance;
    private final Map<String, SinkGroup> groups = new HashMap<>();

    SinkGroups(RebalanceRequest rebalance) {
        this.rebalance = rebalance;
    }

    /** The registry shared by everything loaded by this plugin's class loader. */
    public static SinkGroups jvm() {
        return JVM;
    }

    /** The consumer group of the sink connector {@code connector}, whose task config is {@code taskConfig}. */
    public static String groupIdOf(String connector, Map<String, String> taskConfig) {
        String override = taskConfig.get(GROUP_ID_OVERRIDE);
        return override != null && !override.isBlank() ? override : GROUP_PREFIX + connector;
    }

    synchronized SinkGroup group(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new SinkGroup(id, rebalance));
    }

    /** The groups with a task in this worker, for health reports. */
    public synchronized List<SinkGroup> groups() {
        return List.copyOf(groups.values());
    }

    synchronized DrainerPresence presence(String groupId) {
        SinkGroup group = groupId == null ? null : groups.get(groupId);
        return group == null ? DrainerPresence.UNKNOWN : group.presence();
    }

    /**
     * Registers a started sink task of {@code groupId} that writes to {@code stash}, keeping its books in
     * {@code ledger}; {@code gated}: whether its input keeps what is undelivered, so that the group's partition
     * ownership gates what the stash delivers; {@code transactional}: whether deliveries commit the input offsets.
     *
     * @throws ConnectException when another sink connector's tasks in this worker write to the stash
     */
    public synchronized SinkGroup join(String groupId, Stash stash, SinkLedger ledger, boolean gated,
                                       boolean transactional) {
        SinkGroup group = group(groupId);
        try {
            group.attach(stash, ledger, gated, transactional);
        } catch (IllegalStateException e) {
            throw new ConnectException("Stash " + stash.path() + " is written by the tasks of another sink connector in "
                + "this worker; a stash takes the records of one sink connector. Give connector " + ledger.sinkName()
                + " a stash of its own (stash.name). This task will be stopped.");
        }
        return group;
    }

    /** Unregisters a stopped sink task; the group goes with its last task. */
    public synchronized void leave(SinkGroup group, Object task) {
        if (group.detach(task)) {
            groups.remove(group.groupId(), group);
        }
    }
}
