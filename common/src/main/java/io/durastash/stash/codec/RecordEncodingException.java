package io.durastash.stash.codec;

import org.apache.kafka.connect.errors.DataException;

/** A record holds data the stash cannot encode (an unsupported Java type, or a value that does not fit its schema). */
public class RecordEncodingException extends DataException {
    public RecordEncodingException(String message) {
        super(message);
    }

    public RecordEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
