package io.durastash.bench.floor;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands each {@code put()}'s records, as one batch, to the {@link HandOff}, and commits an input offset only once
 * the source side reported that Kafka acknowledged the record's copy: the DuraStash sink's {@code input.commit} =
 * delivered, without a stash in between.
 */
public final class HandOffSinkTask extends SinkTask {
    /** How long a put waits for room before Connect is asked to deliver the batch again (and may stop the task). */
    private static final long ROOM_WAIT_MS = 1_000;

    private HandOff handOff;

    @Override
    public void start(Map<String, String> props) {
        handOff = HandOffConfig.sink(props).handOff();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        // Connect hands every put a list of its own (WorkerSinkTask copies its reused buffer), so it can be kept.
        List<SinkRecord> batch = records instanceof List<SinkRecord> list ? list : new ArrayList<>(records);
        try {
            if (!handOff.offer(batch, ROOM_WAIT_MS)) {
                throw new RetriableException("The " + handOff + " had no room for " + batch.size() + " records within "
                    + ROOM_WAIT_MS + " ms: its source is behind");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("Interrupted while waiting for room in the " + handOff, e);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> acknowledged = new HashMap<>();
        for (TopicPartition input : currentOffsets.keySet()) {
            Long offset = handOff.committable(input);
            if (offset != null) {
                acknowledged.put(input, new OffsetAndMetadata(offset));
            }
        }
        return acknowledged;
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return AppInfoParser.getVersion();
    }
}
