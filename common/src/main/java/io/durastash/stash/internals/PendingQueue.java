package io.durastash.stash.internals;

/**
 * The batches waiting to be claimed, in id order, kept in memory as a ring of primitive columns
 * (about 33 bytes a batch) so that claiming, counting and the oldest-pending age cost nothing
 * proportional to the size of the stash. A slot is {@code WRITING} from id allocation until its
 * write returns, so a claimer never passes a batch that a concurrent appender has not yet written;
 * a batch that waits for a WAL sync is then {@code UNSYNCED}, and {@code SYNCING} while a sync that
 * covers it runs. Only {@code VISIBLE} batches are claimed. Not thread-safe: the {@link DrainQueue}
 * guards it.
 */
final class PendingQueue {
    static final byte WRITING = 0;
    static final byte VISIBLE = 1;
    static final byte ABANDONED = 2;
    static final byte UNSYNCED = 3;
    static final byte SYNCING = 4;

    private long[] ids = new long[64];
    private long[] createdAt = new long[64];
    private int[] records = new int[64];
    private long[] bytes = new long[64];
    private byte[] state = new byte[64];
    private int head;
    private int size;
    private long totalRecords;
    private long totalBytes;
    private int unsynced;
    private int syncing;

    int size() {
        return size;
    }

    long totalRecords() {
        return totalRecords;
    }

    long totalBytes() {
        return totalBytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Batches written that wait for a WAL sync not yet begun. */
    int unsynced() {
        return unsynced;
    }

    private int slot(int i) {
        return (head + i) & (ids.length - 1);
    }

    private void grow() {
        if (size < ids.length) {
            return;
        }
        int n = ids.length * 2;
        long[] newIds = new long[n];
        long[] newCreated = new long[n];
        int[] newRecords = new int[n];
        long[] newBytes = new long[n];
        byte[] newState = new byte[n];
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            newIds[i] = ids[s];
            newCreated[i] = createdAt[s];
            newRecords[i] = records[s];
            newBytes[i] = bytes[s];
            newState[i] = state[s];
        }
        ids = newIds;
        createdAt = newCreated;
        records = newRecords;
        bytes = newBytes;
        state = newState;
        head = 0;
    }

    void addLast(long id, long created, int recordCount, long byteSize, byte slotState) {
        grow();
        int s = slot(size);
        set(s, id, created, recordCount, byteSize, slotState);
        size++;
    }

    void addFirst(long id, long created, int recordCount, long byteSize) {
        grow();
        head = (head - 1) & (ids.length - 1);
        set(head, id, created, recordCount, byteSize, VISIBLE);
        size++;
    }

    private void set(int s, long id, long created, int recordCount, long byteSize, byte slotState) {
        ids[s] = id;
        createdAt[s] = created;
        records[s] = recordCount;
        bytes[s] = byteSize;
        state[s] = slotState;
        totalRecords += recordCount;
        totalBytes += byteSize;
    }

    /** The id of the {@code i}-th batch from the head. */
    long id(int i) {
        return ids[slot(i)];
    }

    long createdAt(int i) {
        return createdAt[slot(i)];
    }

    int records(int i) {
        return records[slot(i)];
    }

    byte state(int i) {
        return state[slot(i)];
    }

    long headId() {
        return ids[head];
    }

    long headCreatedAt() {
        return createdAt[head];
    }

    int headRecords() {
        return records[head];
    }

    byte headState() {
        return state[head];
    }

    void removeHead() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        totalRecords -= records[head];
        totalBytes -= bytes[head];
        head = (head + 1) & (ids.length - 1);
        size--;
    }

    /** Marks the slots of the given ids, which were appended together, as written (visible or unsynced) or abandoned. */
    void settle(long firstId, int count, byte slotState) {
        for (int i = size - 1; i >= 0; i--) {
            int s = slot(i);
            long id = ids[s];
            if (id >= firstId && id < firstId + count && state[s] == WRITING) {
                state[s] = slotState;
                if (slotState == UNSYNCED) {
                    unsynced++;
                } else if (slotState == ABANDONED) {
                    totalRecords -= records[s];
                    totalBytes -= bytes[s];
                    records[s] = 0;
                    bytes[s] = 0;
                }
            } else if (id < firstId) {
                return;
            }
        }
    }

    /** A WAL sync begins: every unsynced batch is written, so the sync covers it. Returns how many it covers. */
    int beginSync() {
        int covered = replaceFromTail(UNSYNCED, SYNCING, unsynced);
        unsynced = 0;
        syncing += covered;
        return covered;
    }

    /** The sync {@link #beginSync} began ended: its batches are claimable when {@code synced}, else wait again. */
    void endSync(boolean synced) {
        int ended = replaceFromTail(SYNCING, synced ? VISIBLE : UNSYNCED, syncing);
        syncing = 0;
        if (!synced) {
            unsynced += ended;
        }
    }

    /** Replaces {@code from} by {@code to} in the {@code count} slots nearest the tail that hold it. */
    private int replaceFromTail(byte from, byte to, int count) {
        int replaced = 0;
        for (int i = size - 1; i >= 0 && replaced < count; i--) {
            int s = slot(i);
            if (state[s] == from) {
                state[s] = to;
                replaced++;
            }
        }
        return replaced;
    }
}
