package io.durastash.stash.codec;

import java.util.Arrays;

/**
 * The value of one entry in the {@code data} column family: a batch's records from the index in the entry's key on.
 * Two forms, told apart by the fifth byte:
 * <ul>
 *   <li>entry format 1: one record as {@link RecordCodec} encodes it ({@code [crc32c: 4][1]...}), how a stash stored
 *       every record before blocks;</li>
 *   <li>entry format 2, a block: {@code [crc32c of the rest: 4][2][record count: 4]([length: varint][record])*},
 *       each record as {@link RecordCodec} encodes it, its own checksum included;</li>
 *   <li>entry format 3, an edited block: a block from which damaged records were set aside (their places left empty,
 *       length 0) or whose unreadable end was cut off; its checksum field is 0 and each record is checked on its
 *       own.</li>
 * </ul>
 * A block costs RocksDB one key, one checksum and one iterator step for up to {@link #MAX_RECORDS} records. When the
 * block's checksum holds, its records are not checked one by one; when it fails, each record's own checksum judges
 * it, so that damage sets aside what it touched, not the block.
 */
public final class RecordBlock {
    /** The entry format of a block. */
    public static final int BLOCK_FORMAT = 2;
    /** The entry format of a block edited after damage. */
    public static final int EDITED_BLOCK_FORMAT = 3;
    /** A block is closed once its records take this many bytes, or it holds {@link #MAX_RECORDS}. */
    public static final int TARGET_BYTES = 32 * 1024;
    public static final int MAX_RECORDS = 512;
    private static final int CRC_BYTES = 4;
    private static final int HEADER_BYTES = CRC_BYTES + 1 + 4;

    /** Receives one stored record: {@code entry[from, to)}. */
    @FunctionalInterface
    public interface Visitor {
        /** @param checked whether the block's checksum already vouched for these bytes */
        void record(int index, byte[] entry, int from, int to, boolean checked);
    }

    /** The records of an entry from {@link #unreadFrom()} on cannot be framed: its bytes are damaged. */
    public static final class DamagedEntryException extends CorruptEntryException {
        private final int unreadFrom;

        DamagedEntryException(int unreadFrom, String message) {
            super(message);
            this.unreadFrom = unreadFrom;
        }

        /** The index of the first record not handed out; the damage reaches to the next entry or the batch's end. */
        public int unreadFrom() {
            return unreadFrom;
        }
    }

    private RecordBlock() {
    }

    /** Packs records into blocks, one after another. Not thread-safe; reusable. */
    public static final class Writer {
        private final ByteWriter out = new ByteWriter(4096);
        private int count;

        public Writer() {
            start();
        }

        private void start() {
            out.reset();
            out.writeInt(0); // checksum, filled in by finish()
            out.writeByte(BLOCK_FORMAT);
            out.writeInt(0); // record count, likewise
            count = 0;
        }

        /** Adds one record's encoded bytes. */
        public void add(byte[] record) {
            out.writeBytes(record, 0, record.length); // its length first
            count++;
        }

        public int count() {
            return count;
        }

        /** Whether the block should be finished before another record is added. */
        public boolean full() {
            return count >= MAX_RECORDS || out.position() - HEADER_BYTES >= TARGET_BYTES;
        }

        /** The finished block's bytes; the writer starts the next block. */
        public byte[] finish() {
            out.putIntAt(CRC_BYTES + 1, count);
            out.putIntAt(0, RecordCodec.checksum(out.buffer(), CRC_BYTES, out.position()));
            byte[] block = out.toByteArray();
            start();
            return block;
        }
    }

    /**
     * Hands each record of {@code entry}, stored under record index {@code firstIndex}, to {@code visitor} in order.
     *
     * @return how many records the entry holds
     * @throws DamagedEntryException when the entry cannot be framed past the records already handed out
     */
    public static int read(int firstIndex, byte[] entry, Visitor visitor) {
        int format = format(entry);
        if (format == RecordCodec.FORMAT_VERSION) {
            visitor.record(firstIndex, entry, 0, entry.length, false);
            return 1;
        }
        if (format != BLOCK_FORMAT && format != EDITED_BLOCK_FORMAT || entry.length < HEADER_BYTES) {
            throw new DamagedEntryException(firstIndex, "data entry of " + entry.length + " bytes with unknown format "
                + format + "; this DuraStash reads formats " + RecordCodec.FORMAT_VERSION + " to " + EDITED_BLOCK_FORMAT);
        }
        ByteReader in = new ByteReader(entry, 0, entry.length);
        boolean checked = in.readInt() == RecordCodec.checksum(entry, CRC_BYTES, entry.length)
            && format == BLOCK_FORMAT;
        in.readByte();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            int length;
            try {
                length = in.readLength();
            } catch (CorruptEntryException e) {
                throw new DamagedEntryException(firstIndex + i, "block damaged at record " + (firstIndex + i) + " ("
                    + (checked ? "" : "block checksum mismatch, ") + e.getMessage() + ")");
            }
            int from = in.position();
            in.skip(length);
            if (length > 0) { // an empty place: the record was set aside
                visitor.record(firstIndex + i, entry, from, from + length, checked);
            }
        }
        if (count < 0 || !in.atEnd()) {
            throw new DamagedEntryException(firstIndex + Math.max(count, 0), "block damaged: its record count " + count
                + " does not match its bytes (block checksum " + (checked ? "holds" : "mismatch") + ")");
        }
        return count;
    }

    private static int format(byte[] entry) {
        return entry.length > CRC_BYTES ? entry[CRC_BYTES] & 0xFF : -1;
    }

    /** How many records the entry holds, as its header says. */
    public static int recordCount(byte[] entry) {
        if (isSingleRecord(entry)) {
            return 1;
        }
        ByteReader in = new ByteReader(entry, CRC_BYTES + 1, entry.length);
        return in.readInt();
    }

    /** Whether the entry holds one record alone (entry format 1), rather than a block. */
    public static boolean isSingleRecord(byte[] entry) {
        return format(entry) == RecordCodec.FORMAT_VERSION;
    }

    /**
     * The block {@code entry}, stored under {@code firstIndex}, with record {@code index}'s place left empty. The
     * block must frame up to that record; what follows it is kept byte for byte, damage included.
     */
    public static byte[] withoutRecord(int firstIndex, byte[] entry, int index) {
        int start = placeStart(entry, index - firstIndex);
        ByteReader in = new ByteReader(entry, start, entry.length);
        int length = in.readLength();
        int end = in.position() + length;
        byte[] edited = new byte[start + 1 + entry.length - end];
        System.arraycopy(entry, 0, edited, 0, start);
        edited[start] = 0; // the empty place's length
        System.arraycopy(entry, end, edited, start + 1, entry.length - end);
        return edited(edited);
    }

    /** The block {@code entry}, stored under {@code firstIndex}, cut off before record {@code endIndex}. */
    public static byte[] truncated(int firstIndex, byte[] entry, int endIndex) {
        int count = endIndex - firstIndex;
        byte[] edited = Arrays.copyOf(entry, placeStart(entry, count));
        ByteWriter.putInt(edited, CRC_BYTES + 1, count);
        return edited(edited);
    }

    private static byte[] edited(byte[] block) {
        Arrays.fill(block, 0, CRC_BYTES, (byte) 0);
        block[CRC_BYTES] = EDITED_BLOCK_FORMAT;
        return block;
    }

    /** Where the place of the block's record {@code place} (counted from 0) begins: at its length. */
    private static int placeStart(byte[] entry, int place) {
        ByteReader in = new ByteReader(entry, HEADER_BYTES, entry.length);
        for (int i = 0; i < place; i++) {
            in.skip(in.readLength());
        }
        return in.position();
    }
}
