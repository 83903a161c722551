package io.durastash.stash.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link ByteWriter} wrote; every read is bounds-checked so damaged bytes fail cleanly. */
final class ByteReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    ByteReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    boolean atEnd() {
        return pos == end;
    }

    int position() {
        return pos;
    }

    void skip(int n) {
        need(n);
        pos += n;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new CorruptEntryException("truncated entry: needed " + n + " bytes at position " + pos + " of " + end);
        }
    }

    int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int readInt() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    long readLong() {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    int readUnsignedVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new CorruptEntryException("malformed varint at position " + pos);
    }

    long readVarlong() {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte();
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new CorruptEntryException("malformed varlong at position " + pos);
    }

    int readLength() {
        int len = readUnsignedVarint();
        need(len);
        return len;
    }

    byte[] readBytes() {
        int len = readLength();
        byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return out;
    }

    String readString() {
        int len = readLength();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Reads a string, returning {@code recent}'s when the bytes are the same (no new String). */
    String readString(RecentString recent) {
        int len = readLength();
        String s = recent.of(buf, pos, len);
        pos += len;
        return s;
    }

    String readNullableString() {
        int lenPlusOne = readUnsignedVarint();
        if (lenPlusOne == 0) {
            return null;
        }
        int len = lenPlusOne - 1;
        need(len);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }
}
