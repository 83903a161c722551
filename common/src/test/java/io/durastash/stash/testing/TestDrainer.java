package io.durastash.stash.testing;

import io.durastash.stash.Drainer;
import io.durastash.stash.Stash;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Drives a {@link Drainer} in tests: drains what is loadable and acknowledges it as Kafka would. */
public final class TestDrainer {
    /** One record handed out, with its batch as the drainer saw it. */
    public record Emitted(BatchMetadata batch, BatchRecord record, boolean lastOfBatch) {
    }

    private final Drainer drainer;

    public TestDrainer(Drainer drainer) {
        this.drainer = drainer;
    }

    /** An active drainer on {@code stash} that claims 100 records' worth at a time, with no hold. */
    public static TestDrainer active(Stash stash) {
        TestDrainer drainer = new TestDrainer(stash.drainer("test-drainer", 100, 0));
        if (!drainer.drainer.activate(() -> null)) {
            throw new IllegalStateException("another drainer holds " + stash.path());
        }
        return drainer;
    }

    public Drainer drainer() {
        return drainer;
    }

    /** Hands out up to {@code maxRecords} records. */
    public List<Emitted> drain(int maxRecords) {
        List<Emitted> emitted = new ArrayList<>();
        drainer.drain(maxRecords, (batch, record, last) -> emitted.add(new Emitted(batch, record, last)));
        return emitted;
    }

    /** Hands out everything loadable, in calls of up to 1,000 records. */
    public List<Emitted> drainAll() {
        List<Emitted> all = new ArrayList<>();
        for (List<Emitted> next = drain(1000); !next.isEmpty(); next = drain(1000)) {
            all.addAll(next);
        }
        return all;
    }

    /** Acknowledges every record of {@code emitted} and deletes the batches now acknowledged whole. */
    public void acknowledge(List<Emitted> emitted) {
        for (Emitted e : emitted) {
            drainer.acknowledged(e.record().batchId(), false);
        }
        drainer.deleteAcknowledged();
    }

    /** The batches of {@code emitted}, in order of first appearance, as the drainer handed them out. */
    public static List<BatchMetadata> batches(List<Emitted> emitted) {
        Map<Long, BatchMetadata> batches = new LinkedHashMap<>();
        for (Emitted e : emitted) {
            batches.putIfAbsent(e.batch().id(), e.batch());
        }
        return new ArrayList<>(batches.values());
    }

    /** The values of {@code emitted}'s records, in order. */
    public static List<String> values(List<Emitted> emitted) {
        List<String> values = new ArrayList<>();
        for (Emitted e : emitted) {
            values.add(TestRecords.value(e.record().record()));
        }
        return values;
    }
}
