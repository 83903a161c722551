package io.durastash.stash.model;

import org.apache.kafka.connect.errors.ConnectException;

/** The stash failed in a way its caller cannot fix by retrying; the message names the path and the fix. */
public class StashException extends ConnectException {
    public StashException(String message) {
        super(message);
    }

    public StashException(String message, Throwable cause) {
        super(message, cause);
    }
}
