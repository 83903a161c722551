package io.durastash.stash.codec;

import io.durastash.stash.testing.TestRecords;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordBlockTest {
    private final RecordCodec codec = new RecordCodec();

    private List<byte[]> records(int count) {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(codec.encode(TestRecords.bytesRecord("t", 0, i, "value-" + i)));
        }
        return records;
    }

    private static byte[] block(List<byte[]> records) {
        RecordBlock.Writer writer = new RecordBlock.Writer();
        records.forEach(writer::add);
        return writer.finish();
    }

    private record Read(int index, byte[] bytes, boolean checked) {
    }

    private static List<Read> read(int firstIndex, byte[] entry) {
        List<Read> read = new ArrayList<>();
        RecordBlock.read(firstIndex, entry, (index, e, from, to, checked) ->
            read.add(new Read(index, Arrays.copyOfRange(e, from, to), checked)));
        return read;
    }

    @Test
    void aBlockHandsBackItsRecordsInOrderFromItsKeyIndexCheckedByItsOwnChecksum() {
        List<byte[]> records = records(5);

        List<Read> read = read(7, block(records));

        assertEquals(5, read.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(7 + i, read.get(i).index());
            assertArrayEquals(records.get(i), read.get(i).bytes());
            assertTrue(read.get(i).checked());
        }
    }

    @Test
    void anEntryOfTheFirstFormatIsOneRecordLeftToItsOwnChecksum() {
        byte[] record = records(1).get(0);

        List<Read> read = read(3, record);

        assertEquals(1, read.size());
        assertEquals(3, read.get(0).index());
        assertArrayEquals(record, read.get(0).bytes());
        assertFalse(read.get(0).checked());
    }

    @Test
    void aBlockIsFinishedAtItsRecordOrByteLimitAndTheWriterStartsAfresh() {
        RecordBlock.Writer writer = new RecordBlock.Writer();
        byte[] record = records(1).get(0);
        int added = 0;
        while (!writer.full()) {
            writer.add(record);
            added++;
        }
        assertEquals(RecordBlock.MAX_RECORDS, added, "small records: the record limit comes first");
        assertEquals(added, read(0, writer.finish()).size());
        assertEquals(0, writer.count());

        writer.add(new byte[RecordBlock.TARGET_BYTES]);
        assertTrue(writer.full(), "one large record fills a block");
    }

    @Test
    void aBitFlippedInARecordLeavesTheOtherRecordsToTheirOwnChecksums() {
        List<byte[]> records = records(3);
        byte[] block = block(records);
        block[block.length - 10] ^= 0x04; // inside the last record

        List<Read> read = read(0, block);

        assertEquals(3, read.size());
        read.forEach(r -> assertFalse(r.checked(), "the block's checksum fails"));
        codec.decode(read.get(0).bytes());
        codec.decode(read.get(1).bytes());
        assertThrows(CorruptEntryException.class, () -> codec.decode(read.get(2).bytes()));
    }

    @Test
    void aBlockWhoseFramingIsDamagedNamesTheFirstRecordItCannotHandOut() {
        List<byte[]> records = records(3);
        byte[] block = block(records);
        int secondLength = 9 + 1 + records.get(0).length;
        block[secondLength] = (byte) 0x7F; // the second record's length, now past the end

        List<Read> read = new ArrayList<>();
        RecordBlock.DamagedEntryException e = assertThrows(RecordBlock.DamagedEntryException.class, () ->
            RecordBlock.read(10, block, (index, entry, from, to, checked) -> read.add(new Read(index, null, checked))));

        assertEquals(1, read.size());
        assertEquals(11, e.unreadFrom());
    }

    @Test
    void anEntryOfAnUnknownFormatCannotBeReadAtAll() {
        byte[] block = block(records(2));
        block[4] = 9;

        RecordBlock.DamagedEntryException e = assertThrows(RecordBlock.DamagedEntryException.class, () -> read(4, block));

        assertEquals(4, e.unreadFrom());
        assertTrue(e.getMessage().contains("unknown format 9"), e.getMessage());
    }

    @Test
    void aRecordSetAsideLeavesAnEmptyPlaceAndTheOthersAreCheckedOneByOne() {
        List<byte[]> records = records(4);
        byte[] block = block(records);
        block[block.length - 10] ^= 0x04; // damage after the record set aside is kept as it is

        List<Read> read = read(5, RecordBlock.withoutRecord(5, block, 6));

        assertEquals(List.of(5, 7, 8), read.stream().map(Read::index).toList());
        read.forEach(r -> assertFalse(r.checked(), "an edited block vouches for nothing"));
        assertArrayEquals(records.get(2), read.get(1).bytes());
        assertThrows(CorruptEntryException.class, () -> codec.decode(read.get(2).bytes()));
        assertEquals(4, RecordBlock.recordCount(RecordBlock.withoutRecord(5, block, 6)));
    }

    @Test
    void aBlockCutOffBeforeARecordHoldsTheRecordsBeforeIt() {
        List<byte[]> records = records(4);

        byte[] cut = RecordBlock.truncated(5, block(records), 7);

        List<Read> read = read(5, cut);
        assertEquals(List.of(5, 6), read.stream().map(Read::index).toList());
        assertArrayEquals(records.get(1), read.get(1).bytes());
        assertEquals(2, RecordBlock.recordCount(cut));
    }
}
