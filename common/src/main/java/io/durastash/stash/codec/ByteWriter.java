package io.durastash.stash.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer with variable-length integers, reused across records. */
final class ByteWriter {
    private byte[] buf;
    private int pos;

    ByteWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    void reset() {
        pos = 0;
    }

    int position() {
        return pos;
    }

    byte[] buffer() {
        return buf;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int extra) {
        if (pos + extra > buf.length) {
            long wanted = Math.max((long) buf.length * 2, (long) pos + extra);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new RecordEncodingException("record too large to stash (over 2 GiB encoded)");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    void writeInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    void writeUnsignedVarint(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void writeVarlong(long v) {
        long zigzag = (v << 1) ^ (v >> 63);
        ensure(10);
        while ((zigzag & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        buf[pos++] = (byte) zigzag;
    }

    void writeBytes(byte[] b, int off, int len) {
        writeUnsignedVarint(len);
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    void writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeBytes(utf8, 0, utf8.length);
    }

    /** Writes a nullable string: 0 for null, else length + 1 and the bytes. */
    void writeNullableString(String s) {
        if (s == null) {
            writeUnsignedVarint(0);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeUnsignedVarint(utf8.length + 1);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
    }

    void putIntAt(int at, int v) {
        putInt(buf, at, v);
    }

    /** Writes {@code v} big-endian into {@code bytes} at {@code at}. */
    static void putInt(byte[] bytes, int at, int v) {
        bytes[at] = (byte) (v >>> 24);
        bytes[at + 1] = (byte) (v >>> 16);
        bytes[at + 2] = (byte) (v >>> 8);
        bytes[at + 3] = (byte) v;
    }
}
