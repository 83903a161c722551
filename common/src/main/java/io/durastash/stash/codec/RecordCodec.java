package io.durastash.stash.codec;

import io.durastash.stash.model.StashRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;

import java.util.zip.CRC32C;

/**
 * The binary form of one stashed record:
 * {@code [crc32c of the rest: 4][format: 1][flags: 1][topic][partition][offset][timestamp?][key][value][headers]}.
 * Not thread-safe: each thread (task) keeps its own codec, which caches schemas.
 */
public final class RecordCodec {
    public static final int FORMAT_VERSION = 1;
    private static final int CRC_BYTES = 4;
    private static final int HAS_TIMESTAMP = 1;

    private final ByteWriter out = new ByteWriter(1024);
    private final ConnectDataWriter writer = new ConnectDataWriter();
    private final ConnectDataReader reader = new ConnectDataReader();
    private final RecentString recentTopic = new RecentString();

    public byte[] encode(StashRecord record) {
        out.reset();
        out.writeInt(0); // checksum, filled in below
        out.writeByte(FORMAT_VERSION);
        out.writeByte((record.timestamp() != null ? HAS_TIMESTAMP : 0) | (timestampTypeCode(record.timestampType()) << 1));
        out.writeString(record.topic());
        out.writeVarlong(record.partition());
        out.writeVarlong(record.offset());
        if (record.timestamp() != null) {
            out.writeLong(record.timestamp());
        }
        writer.writeSchema(out, record.keySchema());
        writer.writeValue(out, record.keySchema(), record.key());
        writer.writeSchema(out, record.valueSchema());
        writer.writeValue(out, record.valueSchema(), record.value());
        out.writeUnsignedVarint(record.headers().size());
        for (Header header : record.headers()) {
            out.writeString(header.key());
            writer.writeSchema(out, header.schema());
            writer.writeValue(out, header.schema(), header.value());
        }
        out.putIntAt(0, checksum(out.buffer(), CRC_BYTES, out.position()));
        return out.toByteArray();
    }

    public StashRecord decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length, false);
    }

    /**
     * Decodes the record in {@code bytes[from, to)}.
     *
     * @param checked whether the bytes were already checked (a block's checksum held): then the record's own
     *                checksum is not computed again
     */
    public StashRecord decode(byte[] bytes, int from, int to, boolean checked) {
        if (to - from < CRC_BYTES + 2) {
            throw new CorruptEntryException("record entry too short (" + (to - from) + " bytes)");
        }
        ByteReader in = new ByteReader(bytes, from, to);
        int stored = in.readInt();
        if (!checked) {
            int actual = checksum(bytes, from + CRC_BYTES, to);
            if (stored != actual) {
                throw new CorruptEntryException(String.format("record checksum mismatch (stored %08x, computed %08x)", stored, actual));
            }
        }
        int format = in.readByte();
        if (format != FORMAT_VERSION) {
            throw new CorruptEntryException("unknown record format " + format + "; this DuraStash reads format " + FORMAT_VERSION);
        }
        try {
            int flags = in.readByte();
            TimestampType timestampType = timestampType(flags >>> 1);
            String topic = in.readString(recentTopic);
            int partition = (int) in.readVarlong();
            long offset = in.readVarlong();
            Long timestamp = (flags & HAS_TIMESTAMP) != 0 ? in.readLong() : null;
            Schema keySchema = reader.readSchema(in);
            Object key = reader.readValue(in, keySchema);
            Schema valueSchema = reader.readSchema(in);
            Object value = reader.readValue(in, valueSchema);
            int headerCount = in.readUnsignedVarint();
            ConnectHeaders headers = new ConnectHeaders();
            for (int i = 0; i < headerCount; i++) {
                String headerKey = in.readString();
                Schema headerSchema = reader.readSchema(in);
                headers.add(headerKey, reader.readValue(in, headerSchema), headerSchema);
            }
            if (!in.atEnd()) {
                throw new CorruptEntryException("trailing bytes after record");
            }
            return new StashRecord(topic, partition, offset, timestamp, timestampType,
                keySchema, key, valueSchema, value, headers);
        } catch (CorruptEntryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptEntryException("record does not decode: " + e, e);
        }
    }

    static int checksum(byte[] bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, to - from);
        return (int) crc.getValue();
    }

    private static int timestampTypeCode(TimestampType type) {
        switch (type) {
            case CREATE_TIME: return 1;
            case LOG_APPEND_TIME: return 2;
            default: return 0;
        }
    }

    private static TimestampType timestampType(int code) {
        switch (code) {
            case 1: return TimestampType.CREATE_TIME;
            case 2: return TimestampType.LOG_APPEND_TIME;
            default: return TimestampType.NO_TIMESTAMP_TYPE;
        }
    }
}
