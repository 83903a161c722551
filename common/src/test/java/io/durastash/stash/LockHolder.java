package io.durastash.stash;

import io.durastash.stash.testing.TestRecords;

import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * Run in a separate JVM: opens a stash, appends the number of one-record batches named by the second argument (if
 * any) without syncing, says so, and holds the stash until killed.
 */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Stash stash = Stash.open(Paths.get(args[0]), StashOptions.defaults())) {
            TestRecords records = new TestRecords();
            int batches = args.length > 1 ? Integer.parseInt(args[1]) : 0;
            for (int i = 0; i < batches; i++) {
                stash.append(TestRecords.SINK, List.of(records.batch("t", 0, i, 1)), Map.of(), false);
            }
            System.out.println("OPEN " + stash.id());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
