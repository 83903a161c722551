package io.durastash.local;

import io.durastash.testkit.KafkaCluster;
import io.durastash.testkit.process.DataDir;
import io.durastash.testkit.records.Expected;
import io.durastash.testkit.records.NumberedRecords;
import io.durastash.testkit.records.Produced;
import io.durastash.testkit.records.RecordLoad;
import io.durastash.testkit.records.SequenceCheck;
import io.durastash.testkit.records.TopicReader;
import io.durastash.testkit.records.Verdict;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code --demo N}: numbered records into the input topic, then the verdict read back from the output topic; or,
 * with the source paused, the proof that the records are in the stash and nowhere else.
 */
final class Demo {
    /** The series the demo has always numbered its records in (keys {@code demo-<partition>-<seq>-<size>}). */
    static final String SERIES = "demo";
    /** The verdict (or the wait for the sink) gives up when nothing new arrived for this long. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaCluster kafka;
    private final String inputTopic;
    private final String outputTopic;
    private final boolean partitionsPreserved;
    private final ProgressLine progress;
    private final Consumer<String> say;
    private final BooleanSupplier stopping;

    Demo(KafkaCluster kafka, String inputTopic, String outputTopic, boolean partitionsPreserved,
         ProgressLine progress, Consumer<String> say, BooleanSupplier stopping) {
        this.kafka = kafka;
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.partitionsPreserved = partitionsPreserved;
        this.progress = progress;
        this.say = say;
        this.stopping = stopping;
    }

    /** Produces {@code records} numbered records (none for 0) and waits for Kafka to acknowledge them. */
    void produce(long records, int recordSize, long rate) {
        if (records == 0) {
            return;
        }
        say.accept(String.format(Locale.ROOT, "Producing %,d demo records into %s%s ...", records, inputTopic,
            rate > 0 ? String.format(Locale.ROOT, " at %,d records/s", rate) : ""));
        long t0 = System.nanoTime();
        Produced result = RecordLoad.into(kafka, inputTopic, NumberedRecords.of(SERIES).withValueBytes(recordSize))
            .rate(rate).count(records).producer(Map.of("client.id", "durastash-local-demo")).run(stopping);
        say.accept(String.format(Locale.ROOT, "Produced %,d records in %.1f s (all acknowledged by Kafka).",
            result.acknowledged(), (System.nanoTime() - t0) / 1e9));
        if (result.misnumbered() > 0) {
            say.accept(String.format(Locale.ROOT, "Warning: %,d demo records did not land at the offset of their "
                + "number: something else writes to %s, so the verdict will report records as missing.",
                result.misnumbered(), inputTopic));
        }
    }

    /** Reads the output topic back and prints the verdict; returns the launcher's exit code for it. */
    int verdict() throws Exception {
        say.accept("Reading " + outputTopic + " back from its beginning for the verdict ...");
        SequenceCheck check = SequenceCheck.of(Expected.inTopic(kafka, inputTopic, SERIES), partitionsPreserved);
        Verdict verdict = TopicReader.of(kafka.bootstrap(), outputTopic).read(check, STALL, stopping);
        progress.sampleNow();
        say.accept(DemoVerdict.describe(verdict, inputTopic, outputTopic));
        return DemoVerdict.passed(verdict) ? LocalStack.EXIT_OK : LocalStack.EXIT_VERDICT_FAILED;
    }

    /**
     * With the source paused: waits until the sink has stashed everything in the input topic, and
     * says where the records are. Returns the launcher's exit code.
     */
    int awaitStashed(PipelineCounts start, Path stashDir, Path workerLog) throws Exception {
        long lastChange = System.nanoTime();
        PipelineCounts counts = progress.sampleNow();
        long stashed = counts.stashed();
        while (counts.stashed() < counts.in() && !stopping.getAsBoolean()) {
            if (System.nanoTime() - lastChange > STALL.toNanos()) {
                say.accept(String.format(Locale.ROOT, "The sink stashed nothing new for %d s; %,d of %,d input records "
                    + "are stashed. See %s.", STALL.toSeconds(), counts.stashed(), counts.in(), DataDir.show(workerLog)));
                return LocalStack.EXIT_STARTUP;
            }
            Thread.sleep(500);
            counts = progress.sampleNow();
            if (counts.stashed() != stashed) {
                stashed = counts.stashed();
                lastChange = System.nanoTime();
            }
        }
        say.accept(String.format(Locale.ROOT, "The sink has stashed all %,d records of this run, and the source is "
            + "paused (--pause-source): %,d records of %s are not in %s yet, only in the stash (on disk in %s), and stay "
            + "there across a restart. Run again without --pause-source (--demo 0 for just the verdict) to drain them.",
            counts.since(start).stashed(), Math.max(0, counts.stashed() - counts.emitted()), inputTopic, outputTopic,
            DataDir.show(stashDir)));
        return LocalStack.EXIT_OK;
    }
}
