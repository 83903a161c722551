package io.durastash.sink.placement;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes the sink's consumer group rebalance by removing its members through the Admin API (KIP-571's remove-all,
 * which reaches dynamic members too): each sink task's consumer finds its partitions lost, is closed without a
 * commit (the next commit covers it) and joins again, and the {@link DrainerAssignor} assigns with what each worker
 * reports now. Connects with the sink tasks' own consumer settings (bootstrap servers, security), on a daemon thread
 * of its own so that no task waits for it.
 */
final class AdminRebalance implements RebalanceRequest {
    private static final Logger log = LoggerFactory.getLogger(AdminRebalance.class);
    private static final long TIMEOUT_MS = 30_000;

    @Override
    public void request(String groupId, Map<String, Object> consumerConfig, String reason) {
        Map<String, Object> admin = adminConfig(consumerConfig, groupId);
        Thread thread = new Thread(() -> removeMembers(groupId, admin, reason), "durastash-rebalance-" + groupId);
        thread.setDaemon(true);
        thread.start();
    }

    private static void removeMembers(String groupId, Map<String, Object> config, String reason) {
        log.info("Asking consumer group {} to assign its input partitions again: {}", groupId, reason);
        try (Admin admin = Admin.create(config)) {
            admin.removeMembersFromConsumerGroup(groupId, new RemoveMembersFromConsumerGroupOptions()).all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("Could not make consumer group {} assign its input partitions again ({}): {}. Until it does, records "
                + "of the partitions this worker holds wait in the input topic. Give the sink connector's principal "
                + "READ and DELETE on the group, or restart the sink connector's tasks (POST /connectors/<name>/restart"
                + "?includeTasks=true).", groupId, reason, e.toString());
        }
    }

    /** The consumer settings an Admin client takes, under its own client id. */
    static Map<String, Object> adminConfig(Map<String, Object> consumerConfig, String groupId) {
        Set<String> adminKeys = AdminClientConfig.configNames();
        Map<String, Object> admin = new HashMap<>();
        consumerConfig.forEach((key, value) -> {
            if (adminKeys.contains(key) && value != null) {
                admin.put(key, value);
            }
        });
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "durastash-placement-" + groupId);
        return admin;
    }
}
