package io.durastash.sink;

import io.durastash.connect.LoopMark;
import io.durastash.sink.placement.InputLookup;
import io.durastash.stash.SinkLedger;
import io.durastash.stash.Stash;
import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.EncodedRecord;
import io.durastash.stash.model.StashRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Writes the polls of one sink task into the stash: skips what is already stashed, encodes, groups, and appends
 * each poll with the new stashed offsets in one atomic write.
 * Not thread-safe: one per task.
 */
public final class StashWriter {
    private static final Logger log = LoggerFactory.getLogger(StashWriter.class);

    /**
     * What one poll did; {@code looped}: records not stashed because they left this stash before ({@link LoopMark});
     * {@code appendNanos}: how long its stash append took (0 when nothing was appended).
     */
    public record PollResult(int stashed, int skipped, int reported, int looped, int batches, long appendNanos) {
    }

    /** Hears where the stash takes up each partition a task opens. */
    @FunctionalInterface
    public interface RunListener {
        void opened(Map<TopicPartition, InputOffsets.Run> runs);
    }

    private final Stash stash;
    private final SinkLedger ledger;
    private final String sinkName;
    private final Grouping grouping;
    private final boolean durableFirst;
    private final InputOffsets offsets;
    private final ErrantRecordReporter reporter;
    private final Takeover takeover;
    private final RunListener runs;
    private final RecordCodec codec = new RecordCodec();
    /** Partitions whose redelivered records were announced since they were opened: one INFO line each. */
    private final Set<TopicPartition> skipAnnounced = new HashSet<>();
    private final LoopMark loopMark;
    /** Input topics whose looped records were reported: one ERROR line each. */
    private final Set<String> loopsReported = new HashSet<>();

    /**
     * @param durableFirst whether stashed batches are delivered only once a WAL sync covered them ({@code stash.sync})
     * @param reporter     where unencodable records go; null to fail the task on them
     * @param input        what Kafka says of the input when partitions are assigned (read then)
     * @param runs         hears where the stash takes up each partition opened
     */
    public StashWriter(Stash stash, SinkLedger ledger, Grouping grouping, boolean durableFirst, InputOffsets offsets,
                       ErrantRecordReporter reporter, Supplier<InputLookup> input, RunListener runs) {
        this.stash = stash;
        this.ledger = ledger;
        this.sinkName = ledger.sinkName();
        this.grouping = grouping;
        this.durableFirst = durableFirst;
        this.offsets = offsets;
        this.reporter = reporter;
        this.takeover = new Takeover(ledger, offsets.mode(), input);
        this.runs = runs;
        this.loopMark = new LoopMark(stash.id());
    }

    /**
     * Starts tracking newly assigned partitions where the stash takes them up: continuing their last run here, or in a
     * new one (see {@link Takeover}).
     */
    public void open(Collection<TopicPartition> partitions) {
        Map<TopicPartition, InputOffsets.Run> taken = takeover.take(partitions);
        taken.forEach(offsets::open);
        skipAnnounced.removeAll(partitions);
        runs.opened(taken);
    }

    public void close(Collection<TopicPartition> partitions) {
        offsets.close(partitions);
        skipAnnounced.removeAll(partitions);
    }

    /**
     * Stashes a poll. Returns once it is written, without waiting for the disk (see {@link SinkLedger#append}).
     *
     * @throws ConnectException if a record cannot be encoded and there is no errant record reporter
     */
    public PollResult write(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return new PollResult(0, 0, 0, 0, 0, 0);
        }
        long start = System.nanoTime();
        List<InputPosition> positions = new ArrayList<>(records.size());
        Set<TopicPartition> partitions = new HashSet<>();
        InputPosition previous = null;
        for (SinkRecord record : records) {
            InputPosition position = InputPosition.of(record, previous);
            positions.add(position);
            if (previous == null || position.partition() != previous.partition()) {
                partitions.add(position.partition());
            }
            previous = position;
        }
        Set<TopicPartition> unopened = offsets.unopened(partitions);
        if (!unopened.isEmpty()) {
            open(unopened);
        }

        PollBatches poll = new PollBatches();
        List<Future<Void>> reports = new ArrayList<>();
        int skipped = 0;
        int looped = 0;
        int i = 0;
        // Nothing becomes stashed before the append below, so the last stashed offset is looked up once per run of
        // a partition; a record at or before it is a redelivery.
        TopicPartition runPartition = null;
        Long runStashed = null;
        for (SinkRecord record : records) {
            InputPosition position = positions.get(i++);
            if (position.partition() != runPartition) {
                runPartition = position.partition();
                offsets.arrived(runPartition, position.offset());
                runStashed = offsets.lastStashed(runPartition);
            }
            if (runStashed != null && position.offset() <= runStashed) {
                skipped++;
                offsets.skipped(position.partition(), position.offset());
                announceSkip(position.partition());
                continue;
            }
            if (loopMark.marks(record.headers())) {
                looped++;
                poll.handled(position.partition(), position.offset());
                reportLoop(position);
                continue;
            }
            byte[] bytes;
            try {
                bytes = codec.encode(stashRecord(record, position));
            } catch (DataException e) {
                reports.add(report(record, position, e));
                poll.handled(position.partition(), position.offset());
                continue;
            }
            poll.add(grouping.groupOf(record), new EncodedRecord(position.partition(), position.offset(), bytes));
        }
        // The offsets of reported records are stashed below; a report lost in a crash would never be redone.
        awaitReports(reports);

        int stashed = 0;
        int batches = 0;
        long bytes = 0;
        long appendNanos = 0;
        if (!poll.isEmpty()) {
            StashAppend append = poll.append();
            long appendStart = System.nanoTime();
            List<BatchMetadata> appended = ledger.append(append.batches(), append.offsets(), durableFirst);
            appendNanos = System.nanoTime() - appendStart;
            offsets.advance(append.offsets());
            for (BatchMetadata batch : appended) {
                stashed += batch.recordCount();
                bytes += batch.byteSize();
            }
            batches = appended.size();
        }
        PollResult result = new PollResult(stashed, skipped, reports.size(), looped, batches, appendNanos);
        if (log.isDebugEnabled()) {
            log.debug("Stashed {} of {} records ({} bytes) in {} batches in {} µs; skipped {} already "
                    + "stashed, reported {} unencodable", stashed, records.size(), bytes, batches,
                (System.nanoTime() - start) / 1000, skipped, reports.size());
        }
        return result;
    }

    private static StashRecord stashRecord(SinkRecord record, InputPosition position) {
        return new StashRecord(position.partition().topic(), position.partition().partition(), position.offset(),
            record.timestamp(), record.timestampType(), record.keySchema(), record.key(), record.valueSchema(),
            record.value(), record.headers());
    }

    private Future<Void> report(SinkRecord record, InputPosition position, DataException error) {
        if (reporter == null) {
            throw new ConnectException("Cannot stash the record at " + position.describe() + ": " + error.getMessage()
                + ". Use a converter that produces Connect data, or set errors.tolerance=all (with "
                + "errors.deadletterqueue.topic.name) to route such records to a dead letter queue. This task will be stopped.",
                error);
        }
        log.debug("Reporting the unencodable record at {}: {}", position.describe(), error.getMessage());
        return reporter.report(record, error);
    }

    private static void awaitReports(List<Future<Void>> reports) {
        for (Future<Void> report : reports) {
            try {
                report.get();
            } catch (ExecutionException e) {
                throw new ConnectException("Could not report an unencodable record to the errant record reporter "
                    + "(dead letter queue): " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while reporting unencodable records", e);
            }
        }
    }

    private void reportLoop(InputPosition position) {
        if (loopsReported.add(position.partition().topic())) {
            log.error("Not stashing the record at {} or any other record that comes back into stash {} ({}): it was "
                    + "delivered from this stash before, so the output of its source connector is, directly or through "
                    + "other connectors, an input of sink connector {}: a loop. Each such record is skipped and counted "
                    + "in looped-record-total. Remove topic '{}' from the sink's topics, or change the source's topic, "
                    + "or the connector that copies one into the other.", position.describe(), stash.path(), loopMark,
                sinkName, position.partition().topic());
        }
    }

    private void announceSkip(TopicPartition partition) {
        if (skipAnnounced.add(partition)) {
            log.info("Skipping records of {} up to offset {}: they are already in stash {} (redelivered after a restart "
                    + "or rebalance). To stash them again on purpose, reset the connector's offsets through the Connect "
                    + "REST API (PATCH or DELETE /connectors/{}/offsets), which resets the stash too.",
                partition, offsets.lastStashed(partition), stash.path(), sinkName);
        }
    }
}
