package io.durastash.stash.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The last string decoded at one place in the format, reused while the bytes repeat: the input topic of
 * consecutive records of a batch is almost always the same. Not thread-safe.
 */
final class RecentString {
    private byte[] bytes = new byte[0];
    private String string = "";

    String of(byte[] buf, int offset, int length) {
        if (!Arrays.equals(buf, offset, offset + length, bytes, 0, bytes.length)) {
            bytes = Arrays.copyOfRange(buf, offset, offset + length);
            string = new String(bytes, StandardCharsets.UTF_8);
        }
        return string;
    }
}
