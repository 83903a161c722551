package io.durastash.stash;

import io.durastash.stash.codec.RecordCodec;
import io.durastash.stash.internals.Acknowledgements;
import io.durastash.stash.internals.BatchStream;
import io.durastash.stash.internals.RecordCursor;
import io.durastash.stash.internals.ResumePoint;
import io.durastash.stash.model.BatchMetadata;
import io.durastash.stash.model.BatchRecord;
import io.durastash.stash.model.DeliveryGate;
import io.durastash.stash.model.OffsetRange;
import io.durastash.stash.model.RecordEmitter;
import io.durastash.stash.model.StashPosition;
import io.durastash.stash.model.StashRecord;
import io.durastash.stash.model.StashUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One task's claim on draining a stash. A stash has at most one drainer at a time; the others stand by and take
 * over when it stops. The drainer claims batches in id order, hands their records out, counts Kafka's
 * acknowledgements and deletes each batch once all of it is acknowledged; when it stops, the batches it claimed and
 * that were not acknowledged go back to the head of the queue, to be delivered again by the next drainer.
 *
 * <p>Its life is one state in one atomic reference: {@link State#STANDBY} → {@link State#DRAINING} →
 * {@link State#STOPPING} → {@link State#STOPPED} (or STANDBY → STOPPING → STOPPED). Claims, reads, deletions and the
 * hand-back run under one lock, so that {@link #stop()} waits for a {@link #drain} in progress and no batch is deleted
 * after the hand-back. Acknowledgements may arrive from any thread; {@link #requestStop()} too. When the stash
 * reopens after an I/O failure, what this drainer had claimed is delivered again and it drains on.
 *
 * <p>Lock order: this drainer's lock, then the stash's (see {@code StashDb}), then the queue's monitor.
 */
public final class Drainer {
    private static final Logger log = LoggerFactory.getLogger(Drainer.class);
    /** How long a drainer whose next record waits on the {@link DeliveryGate} sleeps before it asks again. */
    static final long GATE_RECHECK_MS = 50;

    /** Where a drainer is in its life. */
    public enum State {
        /** Another drainer holds the stash; this one waits for its turn. */
        STANDBY,
        /** Holds the stash: claims, hands out and deletes batches. */
        DRAINING,
        /** Asked to stop: hands out nothing more; deletions of what Kafka acknowledged still happen. */
        STOPPING,
        /** Stopped: its claimed batches went back to the queue; it deletes nothing more. */
        STOPPED
    }

    private final String name;
    private final Clock clock;
    private final StashCore core;
    private final int claimRecords;
    private final long holdMillis;
    private final RecordCodec codec = new RecordCodec();
    private final AtomicReference<State> state = new AtomicReference<>(State.STANDBY);
    private final AtomicLong refusedRecords = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    /** The engine this drainer works on; another after the stash reopened. */
    private volatile StashEngine bound;
    private volatile Acknowledgements acknowledgements = new Acknowledgements();
    private BatchStream stream;
    /** Records superseded by streams before the current one (the stash reopened, or the drainer rewound). */
    private long supersededBefore;
    private Supplier<StashPosition> committed;
    private boolean standbyLogged;

    Drainer(String name, StashCore core, int claimRecords, long holdMillis) {
        this.name = name;
        this.clock = core.clock();
        this.core = core;
        this.claimRecords = claimRecords;
        this.holdMillis = holdMillis;
        this.bound = core.engine();
        this.stream = newStream();
        core.drainerStarted();
    }

    /** A stream on the engine this drainer is bound to, whichever that is when it claims or reads. */
    private BatchStream newStream() {
        return new BatchStream(() -> claim(bound), (batch, from) -> read(bound, batch, from),
            (batch, record, reason) -> setAside(bound, batch, record, reason), acknowledgements,
            core::gate, () -> bound.refetch().restashes());
    }

    public State state() {
        return state.get();
    }

    /** Whether this drainer holds the stash now. */
    public boolean draining() {
        return state.get() == State.DRAINING;
    }

    /**
     * Takes the stash if no drainer holds it. The committed position is read only then, so that a standby that takes
     * over long after it started resumes from what its predecessor committed. Returns whether this drainer drains.
     *
     * @param committed the position of the last record known to be in Kafka, or null; may throw to refuse
     */
    public boolean activate(Supplier<StashPosition> committed) {
        if (state.get() != State.STANDBY) {
            return draining();
        }
        lock.lock();
        try {
            if (state.get() != State.STANDBY) {
                return draining();
            }
            StashEngine engine = engine();
            if (!engine.queue().takeRole(this)) {
                if (!standbyLogged) {
                    standbyLogged = true;
                    log.info("Stash {} is drained by another task; {} stands by and takes over when it stops",
                        core.path(), name);
                }
                return false;
            }
            try {
                stream.resumeFrom(ResumePoint.after(resumable(committed.get(), engine)));
            } catch (RuntimeException e) {
                engine.queue().handBack(this);
                throw e;
            }
            this.committed = committed;
            state.set(State.DRAINING);
            log.info("Stash {}: {} is now its drainer", core.path(), name);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The engine to work on now. When the stash reopened after an I/O failure, this drainer goes on where it was: it
     * claims again on the new handle the batches it had claimed (they are there, unacknowledged, at the head of the
     * queue), and reads its open batch from the record after the last one it read. Records in flight stay in flight and
     * their acknowledgements count, so no record is handed out twice and no batch is deleted before all of it is
     * acknowledged. When another drainer took the reopened stash first, this one stands by. Under the lock.
     */
    private StashEngine engine() {
        StashEngine current = core.engine();
        if (current == bound) {
            return current;
        }
        if (!draining()) {
            stream.close();
            bound = current;
            return current;
        }
        if (!current.queue().takeRole(this)) {
            stream.close();
            supersededBefore += stream.superseded();
            acknowledgements = new Acknowledgements();
            bound = current;
            stream = newStream();
            state.set(State.STANDBY);
            return current;
        }
        List<Long> claimed = current.queue().pendingAtHead(bound.queue().claimedIds());
        if (!claimed.isEmpty()) {
            current.queue().claimed(claimed, current.batchLog().claim(claimed, clock.millis())); // retried if it throws
        }
        bound = current;
        stream.reopen();
        log.info("Stash {}: {} drains the reopened stash on from where it was ({} batches in flight)", core.path(), name,
            claimed.size());
        return current;
    }

    /**
     * The committed position, unless it lies past every batch this stash holds or ever handed out: then the stash lost
     * writes, or was restored from an older copy, and its batches are delivered again whole rather than taken for
     * already delivered by an id that now names other records.
     */
    private StashPosition resumable(StashPosition position, StashEngine engine) {
        long next = engine.queue().nextBatchId();
        if (position == null || position.batchId() < next) {
            return position;
        }
        log.warn("Stash {}: the committed source offset ({}) lies past every batch this stash holds (next batch id {}): "
            + "it lost writes, or was restored from an older copy. Delivering every batch it holds again; the output may "
            + "see duplicates, nothing is skipped.", core.path(), position, next);
        return null;
    }

    /**
     * Hands up to {@code maxRecords} records to {@code emitter} (fewer once it is {@link RecordEmitter#full() full}),
     * whole batches in id order, continuing the batch left open by the previous call. Returns how many: 0 when none is loadable or this drainer does not drain.
     */
    public int drain(int maxRecords, RecordEmitter emitter) {
        lock.lock();
        try {
            if (!draining()) {
                return 0;
            }
            engine();
            return stream.next(maxRecords, emitter, () -> !draining());
        } finally {
            lock.unlock();
        }
    }

    private List<BatchMetadata> claim(StashEngine engine) {
        List<Long> ids = engine.queue().claimable(claimRecords, holdMillis);
        if (ids.isEmpty()) {
            if (engine.queue().awaitsSyncAtHead()) {
                engine.walSync().syncWaiting(); // the group commit: one sync for every append since the last
            }
            ids = engine.queue().claimable(claimRecords, holdMillis); // another sync may have covered it meanwhile
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        List<BatchMetadata> claimed = engine.batchLog().claim(ids, clock.millis());
        engine.queue().claimed(ids, claimed);
        return claimed;
    }

    private void setAside(StashEngine engine, BatchMetadata batch, BatchRecord record, String reason) {
        StashRecord refused = record.record();
        engine.quarantineStore().refused(batch, record.index(), codec.encode(refused), reason,
            new OffsetRange(refused.topic(), refused.partition(), refused.offset(), refused.offset()));
        refusedRecords.incrementAndGet();
    }

    private static RecordCursor read(StashEngine engine, BatchMetadata batch, int fromIndex) {
        return new RecordCursor(engine.db(), batch, fromIndex, new RecordCodec(), engine.quarantineStore());
    }

    /**
     * Notes that Kafka acknowledged a record of {@code batchId}, or that the framework dropped it ({@code dropped}:
     * a transform filtered it or error tolerance skipped it); either way it is handled. Any thread.
     */
    public void acknowledged(long batchId, boolean dropped) {
        acknowledgements.acknowledged(batchId, dropped);
    }

    /**
     * Deletes the batches that Kafka has acknowledged whole, in one write, with the LOADED marks that are due.
     * Returns how many batches it deleted; none once this drainer stopped.
     *
     * @throws StashUnavailableException when the disk takes no writes now: the batches are deleted at a later call
     */
    public int deleteAcknowledged() {
        lock.lock();
        try {
            State now = state.get();
            if (now != State.DRAINING && now != State.STOPPING) {
                return 0;
            }
            return deleteCompleted(engine());
        } finally {
            lock.unlock();
        }
    }

    private int deleteCompleted(StashEngine engine) {
        if (engine.db().isClosed()) {
            log.debug("Stash {} is closed; acknowledged batches are not deleted and will be delivered again", core.path());
            return 0;
        }
        List<Long> completed = acknowledgements.takeCompleted();
        List<Long> deleted = engine.queue().claimedAmong(completed);
        try {
            StashEngine.write(() -> engine.batchLog().delete(deleted));
        } catch (RuntimeException e) {
            acknowledgements.completedAgain(completed); // deleted at the next call
            throw e;
        }
        engine.queue().acknowledged(deleted);
        if (!deleted.isEmpty()) {
            log.debug("Deleted {} acknowledged batches from stash {}: {}", deleted.size(), core.path(), deleted);
        }
        return deleted.size();
    }

    /**
     * Waits up to {@code timeoutMs} for work: while draining, for a batch to become loadable; on standby, for the
     * stash to be free. Returns false at the timeout and once asked to stop.
     */
    public boolean awaitWork(long timeoutMs) throws InterruptedException {
        StashEngine engine = bound;
        return switch (state.get()) {
            case DRAINING -> waitingOnGate()
                ? engine.queue().awaitWakeUp(Math.min(timeoutMs, GATE_RECHECK_MS)) && draining()
                : engine.queue().awaitLoadable(timeoutMs, holdMillis) && draining();
            case STANDBY -> engine.queue().awaitRoleFree(timeoutMs) && state.get() == State.STANDBY;
            default -> false;
        };
    }

    private boolean waitingOnGate() {
        lock.lock();
        try {
            return stream.waiting();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts over: everything handed out and not acknowledged yet goes back to the queue and is handed out again from
     * the first record the {@link DeliveryGate} lets through, as after a restart. For a drainer whose delivery failed
     * as a whole (an aborted transaction), so that no acknowledgement of the failed attempt counts. Keeps the role.
     */
    public void rewind() {
        lock.lock();
        try {
            if (!draining()) {
                return;
            }
            StashEngine engine = bound;
            stream.close();
            supersededBefore += stream.superseded();
            List<BatchMetadata> handedBack = engine.queue().handBack(this);
            engine.batchLog().handedBack(handedBack);
            acknowledgements = new Acknowledgements();
            stream = newStream();
            if (!engine.queue().takeRole(this)) {
                state.set(State.STANDBY);
                return;
            }
            log.info("Stash {}: {} starts over; {} batches handed out and not acknowledged are delivered again",
                core.path(), name, handedBack.size());
        } finally {
            lock.unlock();
        }
    }

    /** Records the {@link DeliveryGate} kept from being delivered from this stash, since this drainer was created. */
    public long supersededRecords() {
        lock.lock();
        try {
            return supersededBefore + stream.superseded();
        } finally {
            lock.unlock();
        }
    }

    /** Asks this drainer to stop, from any thread: it hands out nothing more, and every wait on the stash ends. */
    public void requestStop() {
        State before = state.getAndUpdate(s -> s == State.STOPPED ? s : State.STOPPING);
        if (before != State.STOPPED) {
            bound.queue().wakeUp();
        }
    }

    /**
     * Stops this drainer: waits for a drain in progress, deletes what Kafka has acknowledged whole, and hands the
     * rest back to the queue, even when the deletion fails. Idempotent.
     */
    public void stop() {
        requestStop();
        lock.lock();
        try {
            if (state.get() == State.STOPPED) {
                return;
            }
            StashEngine engine = bound;
            try {
                stream.close();
                deleteCompleted(engine);
            } finally {
                List<BatchMetadata> handedBack = engine.queue().handBack(this);
                engine.batchLog().handedBack(handedBack);
                int inFlight = acknowledgements.batchesInFlight();
                acknowledgements.clear();
                state.set(State.STOPPED);
                core.drainerStopped();
                if (!handedBack.isEmpty() || inFlight > 0) {
                    log.info("Stash {}: {} stopped draining; {} unacknowledged batches will be delivered again, {} records "
                        + "were dropped by the framework", core.path(), name, handedBack.size(), droppedRecords());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Records the framework reported as handled without writing them to Kafka, since this drainer was created. */
    public long droppedRecords() {
        return acknowledgements.droppedRecords();
    }

    /** Records the output refused and this drainer set aside in the quarantine, since it was created. */
    public long refusedRecords() {
        return refusedRecords.get();
    }

    /** Batches handed out (at least in part) and not acknowledged whole yet. */
    public int batchesInFlight() {
        return acknowledgements.batchesInFlight();
    }

    @Override
    public String toString() {
        return name;
    }
}
