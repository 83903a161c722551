package io.durastash.tool;

import com.fasterxml.jackson.databind.JsonNode;
import io.durastash.connect.StashOwners;
import io.durastash.stash.LockHolder;
import io.durastash.stash.Stash;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.NewBatch;
import io.durastash.stash.model.StashOptions;
import io.durastash.stash.model.StashRecord;
import io.durastash.stash.testing.RawStash;
import io.durastash.stash.testing.TestDrainer;
import io.durastash.stash.testing.TestRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StashToolTest {
    @TempDir
    Path dir;
    private final TestRecords records = new TestRecords();

    private static ToolRun run(String... args) {
        return ToolRun.of(args);
    }

    private ToolRun tool(String... args) {
        List<String> all = new ArrayList<>(List.of("--dir", dir.toString()));
        all.addAll(List.of(args));
        return run(all.toArray(new String[0]));
    }

    /** Three batches of t-0: 2, 3 and 1 records, offsets 0..5; the sink "orders" stashed up to 5. */
    private void threeBatches() {
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            records.appendBatch(stash, "t", 0, 0, 2);
            records.appendBatch(stash, "t", 0, 2, 3);
            records.appendBatch(stash, "t", 0, 5, 1);
            stash.ledger("orders").append(List.of(), Map.of(new TopicPartition("t", 0), 5L), true);
        }
    }

    @Test
    void helpAndUsageErrors() {
        ToolRun help = run("--help");
        assertEquals(StashTool.OK, help.code());
        assertTrue(help.out().startsWith("Usage: durastash --dir <stash directory>"), help.out());
        assertTrue(help.out().contains("quarantine requeue (--all | BATCH...) [--dry-run]"));
        assertEquals(StashTool.OK, run().code());
        assertTrue(run("--version").out().startsWith("durastash "));

        assertEquals(StashTool.USAGE, run("--dir", dir.toString(), "frobnicate").code());
        ToolRun noDir = run("stats");
        assertEquals(StashTool.USAGE, noDir.code());
        assertTrue(noDir.err().contains("--dir"), noDir.err());
        assertEquals(StashTool.USAGE, tool("stats", "--limit", "3").code(), "an option stats does not take");
        assertEquals(StashTool.USAGE, tool("list", "--limit", "x").code());
        assertEquals(StashTool.USAGE, tool("show").code());
        assertEquals(StashTool.USAGE, tool("--format", "yaml", "stats").code());
        assertEquals(StashTool.USAGE, tool("--bogus", "stats").code());
        assertEquals(StashTool.USAGE, tool("quarantine", "requeue").code(), "neither --all nor batches");
        assertEquals(StashTool.USAGE, tool("quarantine", "purge", "--all", "3").code(), "both");
        assertEquals(StashTool.USAGE, tool("export").code(), "no --output");
    }

    @Test
    void aMissingStashIsNamedAndNotCreated() {
        Path missing = dir.resolve("no-such-stash");
        ToolRun run = run("--dir", missing.toString(), "stats");
        assertEquals(StashTool.FAILED, run.code());
        assertTrue(run.err().contains("there is no stash at " + missing), run.err());
        assertFalse(Files.exists(missing));
    }

    @Test
    void statsShowsCountersAndStashedOffsets() throws Exception {
        threeBatches();
        ToolRun text = tool("stats");
        assertEquals(StashTool.OK, text.code(), text.err());
        assertTrue(text.out().contains("pending          3 batches, 6 records"), text.out());
        assertTrue(text.out().contains("orders: t-0=5"), text.out());

        JsonNode json = tool("--format", "json", "stats").json();
        assertEquals(3, json.get("pendingBatches").asInt());
        assertEquals(6, json.get("pendingRecords").asInt());
        assertEquals(4, json.get("nextBatchId").asInt());
        assertEquals(5, json.get("stashedOffsets").get("orders").get("t-0").asInt());
        assertTrue(json.get("diskBytes").asLong() > 0);
        assertEquals(dir.toAbsolutePath().normalize().toString(), json.get("path").asText());
    }

    @Test
    void listPagesThroughTheBatches() throws Exception {
        threeBatches();
        ToolRun page = tool("list", "--limit", "2");
        assertEquals(StashTool.OK, page.code(), page.err());
        List<String> lines = page.out().lines().toList();
        assertTrue(lines.get(0).startsWith("BATCH"));
        assertTrue(lines.get(1).matches("1\\s+PENDING\\s+2\\s+\\d+\\s+\\S+\\s+0\\s+t\\s+t-0\\[0\\.\\.1]"), lines.get(1));
        assertTrue(lines.get(2).startsWith("2 "), lines.get(2));
        assertEquals("more: --from 3", lines.get(3));

        JsonNode json = tool("--format=json", "list", "--from", "3").json();
        assertEquals(1, json.get("batches").size());
        assertEquals(3, json.get("batches").get(0).get("id").asInt());
        assertEquals(1, json.get("batches").get(0).get("recordCount").asInt());
        assertEquals(5, json.get("batches").get(0).get("offsets").get(0).get("first").asInt());
        assertTrue(json.get("next").isNull());
    }

    @Test
    void showDecodesRecordsReadably() throws Exception {
        Schema valueSchema = SchemaBuilder.struct().name("Order").field("id", Schema.INT32_SCHEMA).build();
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("source", "web");
        headers.addBytes("raw", new byte[] {0, 1, 2});
        RecordCodec codec = new RecordCodec();
        List<EncodedRecord> encoded = new ArrayList<>();
        for (StashRecord record : List.of(
            new StashRecord("orders", 1, 7, 1_700_000_000_000L, TimestampType.CREATE_TIME, Schema.BYTES_SCHEMA,
                "key-7".getBytes(StandardCharsets.UTF_8), valueSchema, new Struct(valueSchema).put("id", 42), headers),
            new StashRecord("orders", 1, 8, null, null, Schema.OPTIONAL_BYTES_SCHEMA, null, Schema.BYTES_SCHEMA,
                new byte[] {(byte) 0xff, 0, 7}, null))) {
            encoded.add(new EncodedRecord(new TopicPartition(record.topic(), record.partition()), record.offset(), codec.encode(record)));
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            stash.ledger("s").append(List.of(new NewBatch("orders", encoded)), Map.of(), true);
        }

        ToolRun text = tool("show", "1");
        assertEquals(StashTool.OK, text.code(), text.err());
        assertTrue(text.out().contains("#0 orders-1@7  timestamp=2023-11-14T22:13:20Z (CreateTime)"), text.out());
        assertTrue(text.out().contains("headers: source=web, raw=base64:AAEC"), text.out());
        assertTrue(text.out().contains("key:     key-7"), text.out());
        assertTrue(text.out().contains("value:   Struct{id=42}"), text.out());
        assertTrue(text.out().contains("#1 orders-1@8  timestamp=none"), text.out());
        assertTrue(text.out().contains("value:   base64:/wAH"), text.out());

        JsonNode json = tool("--format", "json", "show", "1", "--limit", "1").json();
        assertEquals("orders", json.get("batch").get("group").asText());
        JsonNode record = json.get("records").get(0);
        assertEquals(7, record.get("offset").asInt());
        assertEquals("key-7", record.get("key").asText());
        assertEquals("utf8", record.get("keyFormat").asText());
        assertEquals("text", record.get("valueFormat").asText());
        assertEquals("STRUCT Order", record.get("valueSchema").asText());
        assertEquals("raw", record.get("headers").get(1).get("key").asText());
        assertEquals("base64", record.get("headers").get(1).get("format").asText());
        assertEquals(1, json.get("next").asInt(), "the next page starts at index 1");

        ToolRun missing = tool("show", "9");
        assertEquals(StashTool.FAILED, missing.code());
        assertTrue(missing.err().contains("no batch 9"), missing.err());
    }

    @Test
    void verifyExitsNonZeroOnDamageAndNamesIt() throws Exception {
        threeBatches();
        assertEquals(StashTool.OK, tool("verify").code());
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(2, 1);
            raw.spoilMetadataChecksum(3);
        }
        ToolRun text = tool("verify");
        assertEquals(StashTool.DAMAGED, text.code(), text.out() + text.err());
        assertTrue(text.out().contains("DAMAGED: 2 entries fail"), text.out());
        assertTrue(text.out().contains("RECORD batch 2 record 1: record checksum mismatch"), text.out());
        assertTrue(text.out().contains("METADATA batch 3: metadata checksum mismatch"), text.out());

        JsonNode json = tool("--format", "json", "verify").json();
        assertFalse(json.get("clean").asBoolean());
        assertEquals(2, json.get("damageCount").asInt());
        assertEquals("RECORD", json.get("damages").get(0).get("kind").asText());

        ToolRun list = tool("list");
        assertTrue(list.out().contains("DAMAGED  metadata: metadata checksum mismatch"), list.out());
        ToolRun show = tool("show", "2");
        assertEquals(StashTool.DAMAGED, show.code());
        assertTrue(show.out().contains("#1 DAMAGED"), show.out());
        assertEquals(StashTool.DAMAGED, tool("verify").code(), "inspection changed nothing");
    }

    @Test
    void quarantinedEntriesAreListedRequeuedAndPurged() throws Exception {
        threeBatches();
        try (RawStash raw = new RawStash(dir)) {
            raw.spoilMetadataChecksum(2);
            raw.flipRecordBit(3, 0);
        }
        try (Stash stash = Stash.open(dir, StashOptions.defaults())) {
            // A worker's stash: rebuilds batch 2 on open (its damaged metadata entry is kept for the record), and sets
            // record 0 of batch 3 aside when it reads it.
            TestDrainer.active(stash).drainAll();
        }

        ToolRun list = tool("quarantine", "list");
        assertEquals(StashTool.OK, list.code(), list.err());
        List<String> lines = list.out().lines().toList();
        assertEquals(3, lines.size(), "a header, batch 2's metadata entry, batch 3's record:\n" + list.out());
        assertTrue(lines.get(1).matches("2\\s+-\\s+meta .*"), lines.get(1));
        assertTrue(lines.get(2).matches("3\\s+0\\s+data .* no .*record checksum mismatch.*"), lines.get(2));
        JsonNode entries = tool("--format", "json", "quarantine", "list").json();
        assertEquals(2, entries.get("total").asInt());
        JsonNode record = entries.get("entries").get(1);
        assertEquals(1, record.get("records").asInt());
        assertEquals("t", record.get("offsets").get(0).get("topic").asText(), "with its batch's input offsets: " + record);

        ToolRun dryRun = tool("quarantine", "requeue", "--all", "--dry-run");
        assertEquals(StashTool.OK, dryRun.code());
        assertTrue(dryRun.out().contains("batch 3: nothing passes again; 1 still damaged"), dryRun.out());

        tool("quarantine", "requeue", "--all");
        JsonNode batches = tool("--format", "json", "list").json().get("batches");
        assertEquals(List.of(1, 2, 3), List.of(batches.get(0).get("id").asInt(), batches.get(1).get("id").asInt(),
            batches.get(2).get("id").asInt()), "batch 2 rebuilt where it stood; nothing requeued");
        assertEquals(3, batches.get(1).get("recordCount").asInt());

        JsonNode purged = tool("--format", "json", "quarantine", "purge", "3").json();
        assertEquals(1, purged.get("purged").asInt());
        assertEquals(1, tool("--format", "json", "quarantine", "purge", "--all").json().get("purged").asInt());
        assertTrue(tool("quarantine", "list").out().contains("(quarantine is empty)"));
        assertEquals(StashTool.OK, tool("verify").code());
    }


    @Test
    void exportWritesEveryIntactRecordAsJsonLines() throws Exception {
        threeBatches();
        Path file = dir.getParent().resolve(dir.getFileName() + "-export.jsonl");
        try {
            ToolRun run = tool("export", "--output", file.toString());
            assertEquals(StashTool.OK, run.code(), run.err());
            assertTrue(run.out().contains("exported 6 records of 3 batches"), run.out());
            List<String> lines = Files.readAllLines(file);
            assertEquals(6, lines.size());
            JsonNode first = Output.JSON.readTree(lines.get(0));
            assertEquals(1, first.get("batch").asInt());
            assertEquals("t", first.get("group").asText());
            assertEquals(0, first.get("offset").asInt());
            assertEquals("value-0", first.get("value").asText());
            assertEquals("utf8", first.get("valueFormat").asText());
            assertEquals(5, Output.JSON.readTree(lines.get(5)).get("offset").asInt());

            ToolRun again = tool("export", "--output", file.toString());
            assertEquals(StashTool.FAILED, again.code());
            assertTrue(again.err().contains("exists"), again.err());
        } finally {
            Files.deleteIfExists(file);
        }
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(1, 0);
        }
        ToolRun stdout = tool("export", "--output", "-");
        assertEquals(StashTool.DAMAGED, stdout.code());
        assertEquals(5, stdout.out().lines().count());
        assertTrue(stdout.err().contains("skipped 1 damaged records"), stdout.err());
    }

    @Test
    void salvageCopiesWhatCanBeReadIntoANewStashAndNamesTheRest() throws Exception {
        threeBatches();
        try (RawStash raw = new RawStash(dir)) {
            raw.flipRecordBit(2, 1);
        }
        Path into = dir.getParent().resolve(dir.getFileName() + "-salvaged");
        ToolRun run = tool("salvage", "--into", into.toString());
        assertEquals(StashTool.DAMAGED, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("salvaged 5 records of 3 batches"), run.out());
        assertTrue(run.out().contains("NOT COPIED: 1 records of batch 2 (record 1: record checksum mismatch"), run.out());
        assertTrue(run.out().contains("fetch these input offsets again") && run.out().contains("t-0[2..4]"), run.out());

        List<String> offsets = new ArrayList<>();
        ToolRun export = run("--dir", into.toString(), "export", "--output", "-");
        assertEquals(StashTool.OK, export.code(), export.err());
        export.out().lines().forEach(line -> offsets.add(line.replaceAll(".*\"offset\":(\\d+).*", "$1")));
        assertEquals(List.of("0", "1", "2", "4", "5"), offsets);
        JsonNode stats = run("--dir", into.toString(), "--format", "json", "stats").json();
        assertEquals(5, stats.get("stashedOffsets").get("orders").get("t-0").asInt(), stats.toString());

        ToolRun again = tool("salvage", "--into", into.toString());
        assertEquals(StashTool.FAILED, again.code());
        assertTrue(again.err().contains("not empty"), again.err());
        assertEquals(StashTool.DAMAGED, tool("verify").code(), "the old stash is only read");
    }

    @Test
    void aStashOpenInAWorkerIsRefusedWithAClearMessage() throws Exception {
        threeBatches();
        try (LockHolder.Held holder = LockHolder.start(dir, 0)) {
            ToolRun run = tool("stats");
            assertEquals(StashTool.FAILED, run.code());
            assertTrue(run.err().contains(dir.toAbsolutePath().normalize().toString()), run.err());
            assertTrue(run.err().contains("locked by another process"), run.err());
            assertTrue(run.err().contains("Stop the connectors that use it"), run.err());
            assertFalse(run.err().contains("Exception"), "no stack trace: " + run.err());
            assertTrue(run.out().isEmpty());
        }
    }

    @Test
    void ownersShowsThePairAndHandsTheStashOverOnlyWhenAsked() throws Exception {
        threeBatches();
        StashOwners.claim(dir, StashOwners.Role.SINK, "orders-sink");
        StashOwners.claim(dir, StashOwners.Role.SOURCE, "orders-source");

        ToolRun shown = tool("owners");
        assertEquals(0, shown.code(), shown.err());
        assertTrue(shown.out().contains("sink     orders-sink"), shown.out());
        assertTrue(shown.out().contains("source   orders-source"), shown.out());

        ToolRun renamed = tool("--format", "json", "owners", "--source", "orders-source-v2");
        assertEquals(0, renamed.code(), renamed.err());
        assertTrue(renamed.json().path("changed").asBoolean(), renamed.out());
        assertEquals(new StashOwners.Owners("orders-sink", "orders-source-v2"), StashOwners.read(dir));
        assertTrue(StashOwners.refusal(dir, StashOwners.Role.SOURCE, "orders-source").isPresent(), "the old name is refused");

        ToolRun blank = tool("owners", "--sink", " ");
        assertEquals(StashTool.USAGE, blank.code());
        assertTrue(blank.err().contains("--sink needs a connector name"), blank.err());
    }
}
