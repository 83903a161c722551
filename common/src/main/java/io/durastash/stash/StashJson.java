package io.durastash.stash;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.durastash.stash.codec.CorruptEntryException;

import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for metadata and quarantine entries; a damaged metadata entry surfaces as {@link CorruptEntryException}. */
final class StashJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();

    private StashJson() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BatchMetadata readMetadata(byte[] bytes) {
        BatchMetadata metadata;
        try {
            metadata = MAPPER.readValue(bytes, BatchMetadata.class);
        } catch (IOException | RuntimeException e) {
            throw new CorruptEntryException("metadata does not parse: " + e.getMessage(), e);
        }
        if (metadata == null || metadata.status() == null || !metadata.checksumMatches()) {
            throw new CorruptEntryException("metadata checksum mismatch");
        }
        return metadata;
    }

    /** The group named by metadata that may be damaged, if it still parses that far; null otherwise. */
    static String groupOf(byte[] metadataBytes) {
        try {
            com.fasterxml.jackson.databind.JsonNode group = MAPPER.readTree(metadataBytes).get("group");
            return group != null && group.isTextual() ? group.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static QuarantinedEntry readQuarantined(byte[] bytes) {
        try {
            return MAPPER.readValue(bytes, QuarantinedEntry.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
