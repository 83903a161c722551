package io.durastash.sink;

import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** Keeps what was reported, like a dead letter queue that always accepts. */
final class RecordingErrantReporter implements ErrantRecordReporter {
    final List<SinkRecord> records = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();

    @Override
    public Future<Void> report(SinkRecord record, Throwable error) {
        records.add(record);
        errors.add(error);
        return CompletableFuture.completedFuture(null);
    }
}
