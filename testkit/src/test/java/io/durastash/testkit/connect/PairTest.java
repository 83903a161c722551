package io.durastash.testkit.connect;

import io.durastash.testkit.StackFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run's pair is config/local's, changed only where the run says so. */
class PairTest {
    @TempDir
    Path dir;

    @Test
    void startsFromConfigLocalAndTakesARunsOverrides() {
        Pair local = Pair.local();
        assertEquals("durastash-sink", local.sink().name());
        assertEquals("durastash-demo-in", local.inputTopic());
        assertEquals("durastash-demo-out", local.outputTopic());
        assertEquals("${env:DURASTASH_DATA_DIR}/stash", local.sink().config().get("stash.dir"));

        Pair run = local.named("exact").stash(dir, "exact").topics("orders,payments", "${topic}.out").tasks(2, 1)
            .withSink("consumer.override.max.poll.records", null).withSource("poll.wait.ms", "100");
        assertEquals("exact-sink", run.sink().name());
        assertEquals("exact-source", run.source().name());
        assertEquals(dir.toString(), run.source().config().get("stash.dir"));
        assertEquals("orders.out", run.outputTopic());
        assertEquals(2, run.sink().tasksMax());
        assertFalse(run.sink().config().containsKey("consumer.override.max.poll.records"));
        assertEquals("connect-exact-sink", run.sink().sinkGroup());
        assertEquals(local.sink().config().get("key.converter"), run.sink().config().get("key.converter"));
        assertEquals(local.sink().file(), run.sink().file(), "the file it came from, for messages");
    }

    @Test
    void aPairOnTwoStashesIsRefusedNamingTheKey() throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("durastash-sink.json"), "{\"name\": \"s\", \"config\": {\"connector.class\": "
            + "\"" + ConnectorConfig.SINK_CLASS + "\", \"topics\": \"in\", \"stash.dir\": \"/a\"}}");
        Files.writeString(config.resolve("durastash-source.json"), "{\"name\": \"t\", \"config\": {\"connector.class\": "
            + "\"" + ConnectorConfig.SOURCE_CLASS + "\", \"stash.dir\": \"/b\"}}");
        StackFailure failure = assertThrows(StackFailure.class, () -> Pair.local(config));
        assertTrue(failure.getMessage().contains("must name the same stash.dir to share a stash; they have /a and /b"),
            failure.getMessage());
        assertEquals(StackFailure.Kind.ENVIRONMENT, failure.kind());
    }
}
