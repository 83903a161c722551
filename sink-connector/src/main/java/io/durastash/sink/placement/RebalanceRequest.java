package io.durastash.sink.placement;

import java.util.Map;

/** Asks a consumer group to assign its partitions again. */
@FunctionalInterface
interface RebalanceRequest {
    /**
     * @param consumerConfig the configuration of a sink task's consumer in this worker, to reach the cluster with
     * @param reason         for the log
     */
    void request(String groupId, Map<String, Object> consumerConfig, String reason);
}
