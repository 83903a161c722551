package io.durastash.sink.placement;

import io.durastash.stash.Stash;
import io.durastash.stash.model.StashOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkGroupTest {
    @TempDir
    Path dir;
    private final List<String> requests = new ArrayList<>();
    private final SinkGroups groups = new SinkGroups((groupId, config, reason) ->
        requests.add(groupId + "@" + config.get("bootstrap.servers") + ": " + reason));

    @Test
    void asksTheGroupForANewAssignmentWithItsConsumersSettings() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            groups.group("connect-s").consumerConfig(Map.of("bootstrap.servers", "broker:9092", "group.id", "connect-s"));
            SinkGroup group = groups.join("connect-s", stash, stash.ledger("s"), true, false);
            group.assigned(this, new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("connect-s"), List.of(), new MemberData.Assignment(false, true, 2, List.of()));

            group.check(false, true, 0);
            group.check(false, true, PlacementGuard.GRACE_MS);

            assertEquals(1, requests.size());
            assertTrue(requests.get(0).startsWith("connect-s@broker:9092: this worker holds input partitions"), requests.get(0));
            assertEquals(1, group.rebalanceRequests());
        }
    }

    @Test
    void withoutTheAssignorTheGuardIsOff() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            SinkGroup group = groups.join("connect-plain", stash, stash.ledger("plain"), true, false);
            assertFalse(group.guarded());
            group.assigned(this, new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("connect-s"), List.of(), new MemberData.Assignment(false, true, 2, List.of()));
            group.check(false, true, 0);
            group.check(false, true, 10 * PlacementGuard.GRACE_MS);
            assertEquals(List.of(), requests);
        }
    }

    @Test
    void theGroupGoesWithItsLastTask() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            SinkGroup first = groups.join("connect-s", stash, stash.ledger("s"), true, false);
            groups.join("connect-s", stash, stash.ledger("s"), true, false);
            groups.leave(first, this);
            assertEquals(DrainerPresence.ABSENT, groups.presence("connect-s"));
            groups.leave(first, this);
            assertEquals(DrainerPresence.UNKNOWN, groups.presence("connect-s"));
        }
    }

    @Test
    void theGroupIdIsConnectsUnlessOverridden() {
        assertEquals("connect-orders", SinkGroups.groupIdOf("orders", Map.of()));
        assertEquals("mine", SinkGroups.groupIdOf("orders", Map.of("consumer.override.group.id", "mine")));
    }

    @Test
    void theAdminClientGetsTheConsumersConnectionSettingsOnly() {
        Map<String, Object> admin = AdminRebalance.adminConfig(Map.of("bootstrap.servers", "b:9092",
            "security.protocol", "SASL_SSL", "group.id", "connect-s", "key.deserializer", "x", "max.poll.records", 5), "connect-s");
        assertEquals(Map.of("bootstrap.servers", "b:9092", "security.protocol", "SASL_SSL",
            "client.id", "durastash-placement-connect-s"), admin);
    }
}
