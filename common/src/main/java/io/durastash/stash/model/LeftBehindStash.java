package io.durastash.stash.model;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A stash that held records when the last task in this worker that used it let it go: no sink or source task of its
 * pair runs here anymore, so nothing here will deliver what it holds. Reported until a task opens it again.
 *
 * @param since when the last task let it go (epoch milliseconds)
 */
public record LeftBehindStash(Path path, UUID id, long records, long bytes, long since) {
    /** What to do, for a WARN and the REST health. */
    public String fix() {
        return "Start a source task of its pair on this worker (give the source connector tasks.max of at least the "
            + "number of workers), or, if the pair moved for good: with input.commit=delivered or transactional its "
            + "records are consumed again wherever their partitions are now, and the directory can be deleted once no "
            + "task uses it; with input.commit=stashed it holds their only copy: read it with 'durastash --dir " + path
            + " export' first.";
    }
}
