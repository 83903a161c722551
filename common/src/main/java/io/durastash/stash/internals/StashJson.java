package io.durastash.stash.internals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.durastash.stash.codec.CorruptEntryException;
import io.durastash.stash.model.BatchMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON for batch metadata and quarantine entries, and the one metadata parser: every reader of {@code meta} goes
 * through {@link #readMetadata}, which rejects a damaged entry with {@link CorruptEntryException}.
 */
public final class StashJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();

    private StashJson() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a value written by {@link #write}; a value that does not parse is an {@link UncheckedIOException}. */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What went wrong, on one line: Jackson's own message, without the location it appends on a second one. */
    static String firstLine(Exception e) {
        String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
        return String.valueOf(message).lines().findFirst().orElse("");
    }

    /**
     * The metadata stored under {@code batchId}'s key.
     *
     * @throws CorruptEntryException when it does not parse, fails its checksum or names another batch
     */
    public static BatchMetadata readMetadata(long batchId, byte[] bytes) {
        BatchMetadata metadata;
        try {
            metadata = MAPPER.readValue(bytes, BatchMetadata.class);
        } catch (IOException | RuntimeException e) {
            throw new CorruptEntryException("metadata does not parse: " + firstLine(e), e);
        }
        if (metadata == null || metadata.status() == null || !metadata.checksumMatches()) {
            throw new CorruptEntryException("metadata checksum mismatch");
        }
        if (metadata.id() != batchId) {
            throw new CorruptEntryException("metadata names batch " + metadata.id());
        }
        return metadata;
    }

    /** The group named by metadata that may be damaged, if it still parses that far; null otherwise. */
    public static String groupOf(byte[] metadataBytes) {
        try {
            JsonNode group = MAPPER.readTree(metadataBytes).get("group");
            return group != null && group.isTextual() ? group.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
