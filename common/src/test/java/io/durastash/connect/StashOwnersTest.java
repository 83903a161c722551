package io.durastash.connect;

import io.durastash.connect.StashOwners.Owners;
import io.durastash.connect.StashOwners.Role;
import io.durastash.stash.model.StashException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashOwnersTest {
    @TempDir
    Path stash;

    @Test
    void theFirstSinkAndTheFirstSourceOwnTheStash() {
        assertEquals(Owners.NONE, StashOwners.read(stash));
        StashOwners.claim(stash, Role.SINK, "orders-sink");
        StashOwners.claim(stash, Role.SINK, "orders-sink");
        StashOwners.claim(stash, Role.SOURCE, "orders-source");
        assertEquals(new Owners("orders-sink", "orders-source"), StashOwners.read(stash));
    }

    @Test
    void aConnectorOfAnotherNameIsRefusedWithWhoseStashItIsAndHowToHandItOver() {
        StashOwners.claim(stash, Role.SINK, "orders-sink");
        StashOwners.claim(stash, Role.SOURCE, "orders-source");
        StashException refused = assertThrows(StashException.class, () -> StashOwners.claim(stash, Role.SOURCE, "thief"));
        String message = refused.getMessage();
        assertTrue(message.contains("belongs to the pair sink 'orders-sink' and source 'orders-source'"), message);
        assertTrue(message.contains("not to the source connector 'thief'"), message);
        assertTrue(message.contains("durastash --dir " + stash + " owners --source thief"), message);
        assertTrue(StashOwners.refusal(stash, Role.SINK, "intruder").orElseThrow().contains("'intruder'"));
        assertEquals(Optional.empty(), StashOwners.refusal(stash, Role.SINK, "orders-sink"));
        assertEquals(new Owners("orders-sink", "orders-source"), StashOwners.read(stash), "unchanged");
    }

    @Test
    void aHandOverRecordsTheNewOwners() {
        StashOwners.claim(stash, Role.SINK, "old-sink");
        StashOwners.write(stash, new Owners("new-sink", null));
        StashOwners.claim(stash, Role.SOURCE, "new-source");
        assertEquals(new Owners("new-sink", "new-source"), StashOwners.read(stash));
    }

    @Test
    void aDamagedOwnersFileNamesTheFileAndTheFix() throws IOException {
        Files.write(stash.resolve(StashOwners.FILE), "{\"sink\": ".getBytes(StandardCharsets.UTF_8));
        StashException damaged = assertThrows(StashException.class, () -> StashOwners.claim(stash, Role.SINK, "s"));
        assertTrue(damaged.getMessage().contains(stash.resolve(StashOwners.FILE) + " is damaged"), damaged.getMessage());
        assertTrue(damaged.getMessage().contains("owners --sink <name> --source <name>"), damaged.getMessage());
    }
}
