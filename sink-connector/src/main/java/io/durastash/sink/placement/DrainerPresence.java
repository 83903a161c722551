package io.durastash.sink.placement;

import java.nio.ByteBuffer;

/**
 * What a sink task's consumer tells the group leader when it joins: whether a drainer drains the stash of its
 * worker, as one byte after a version byte in the subscription's user data. A member that says nothing (another
 * assignor, an older plugin) is {@link #UNKNOWN}.
 */
enum DrainerPresence {
    ABSENT,
    PRESENT,
    UNKNOWN;

    private static final byte VERSION = 1;

    ByteBuffer encode() {
        return ByteBuffer.wrap(new byte[] {VERSION, (byte) ordinal()});
    }

    static DrainerPresence decode(ByteBuffer userData) {
        if (userData == null || userData.remaining() < 2) {
            return UNKNOWN;
        }
        ByteBuffer data = userData.duplicate();
        if (data.get() != VERSION) {
            return UNKNOWN;
        }
        int state = data.get();
        return state >= 0 && state < values().length ? values()[state] : UNKNOWN;
    }
}
