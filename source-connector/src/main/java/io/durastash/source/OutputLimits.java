package io.durastash.source;

import io.durastash.stash.model.StashRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The sizes the output accepts, checked before a record leaves the stash, so that one record the output would refuse
 * is set aside instead of failing the task or holding up every record behind it. A record is refused when its size as
 * the producer counts it (uncompressed, with the record batch around it) exceeds the producer's
 * {@code max.request.size} where it is known (the connector's {@code producer.override.max.request.size}; for the
 * task's own transactional producer, else Kafka's default), or,
 * when the connector's producer does not compress, the output topic's {@code max.message.bytes}. The topic's limit is
 * read with an {@code Admin} client on the sink's settings (with the connector's producer overrides of the address and
 * security on top), once per topic every {@link #TOPIC_LIMIT_TTL_MS}; a limit that cannot be read is not checked (the
 * producer's answer then decides). Not thread-safe: the poll thread.
 */
final class OutputLimits implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputLimits.class);
    /** How long a topic's limit is believed before it is read again: an operator may raise it. */
    static final long TOPIC_LIMIT_TTL_MS = TimeUnit.MINUTES.toMillis(1);
    /** Kafka's default {@code max.request.size}. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** A record batch's header: what the producer adds around one record (Kafka's RECORD_BATCH_OVERHEAD). */
    static final int BATCH_OVERHEAD = 61;
    /** The most a record's own fields add besides its key, value and headers (Kafka's DefaultRecord bound). */
    static final int RECORD_OVERHEAD = 21;
    /** The most a header adds besides its key and value: the varints of their lengths. */
    static final int HEADER_OVERHEAD = 10;
    private static final long ADMIN_TIMEOUT_MS = 10_000;

    /** The connector's {@code producer.override.max.request.size}; null when it sets none. */
    private final Integer maxRequestSizeOverride;
    private final boolean compressed;
    private final Supplier<Map<String, Object>> adminConfig;
    private final Clock clock;
    private final Map<String, TopicLimit> topics = new HashMap<>();
    /** The connector's producer overrides that also reach the output's cluster: its address and security. */
    private final Map<String, Object> producerOverrides = new HashMap<>();
    private Admin admin;

    private record TopicLimit(long maxMessageBytes, long readAt) {
    }

    /**
     * @param connectorConfig the source connector's config: its {@code producer.override.*} settings
     * @param adminConfig     the settings to reach the output's cluster; null when unknown (no topic limits then)
     */
    OutputLimits(Map<String, String> connectorConfig, Supplier<Map<String, Object>> adminConfig, Clock clock) {
        String override = "producer.override.";
        String maxRequestSize = connectorConfig.get(override + ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        this.maxRequestSizeOverride = maxRequestSize == null ? null : Integer.valueOf(maxRequestSize.trim());
        String compression = connectorConfig.getOrDefault(override + ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        this.compressed = !"none".equalsIgnoreCase(compression.trim());
        this.adminConfig = adminConfig;
        this.clock = clock;
        connectorConfig.forEach((key, value) -> {
            String setting = key.startsWith(override) ? key.substring(override.length()) : null;
            if (setting != null && AdminClientConfig.configNames().contains(setting)) {
                producerOverrides.put(setting, value);
            }
        });
    }

    /**
     * The size the producer counts for a record of these parts, at most: uncompressed, alone in a record batch.
     *
     * @param headerBytes the headers' keys and values, with {@link #HEADER_OVERHEAD} each
     */
    static long sizeInBytes(long keyBytes, long valueBytes, long headerBytes) {
        return BATCH_OVERHEAD + RECORD_OVERHEAD + keyBytes + valueBytes + headerBytes;
    }

    /**
     * The bytes a Connect value of the stash takes once a byte-array or string converter wrote it; -1 for any other
     * value (its converter decides its size, which is not known before it runs).
     */
    static long bytesOf(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining();
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8).length;
        }
        return -1;
    }

    /** The size of a record of {@code record}'s key, value and headers, at most; -1 when it cannot be known. */
    static long sizeInBytes(StashRecord record, long moreHeaderBytes) {
        long key = bytesOf(record.key());
        long value = bytesOf(record.value());
        long headers = moreHeaderBytes;
        for (org.apache.kafka.connect.header.Header header : record.headers()) {
            long bytes = bytesOf(header.value());
            headers += HEADER_OVERHEAD + header.key().getBytes(StandardCharsets.UTF_8).length + Math.max(0, bytes);
        }
        return key < 0 || value < 0 ? -1 : sizeInBytes(key, value, headers);
    }

    /** The size of a record as {@link RecordConverter} made it, at most. */
    static long sizeInBytes(ProducerRecord<byte[], byte[]> record) {
        long headers = 0;
        for (Header header : record.headers()) {
            headers += HEADER_OVERHEAD + header.key().getBytes(StandardCharsets.UTF_8).length
                + (header.value() == null ? 0 : header.value().length);
        }
        return sizeInBytes(record.key() == null ? 0 : record.key().length,
            record.value() == null ? 0 : record.value().length, headers);
    }

    /**
     * Why the output refuses a record of {@code sizeInBytes} for {@code topic}; null when it accepts it, or when the
     * size is not known (negative). For Connect's producer, whose {@code max.request.size} the worker may set
     * ({@code producer.max.request.size}) out of the connector's sight: it is checked only when the connector overrides
     * it, else the producer's answer decides (the topic's limit is checked all the same).
     */
    String refusal(String topic, long sizeInBytes) {
        return refusal(topic, sizeInBytes, maxRequestSizeOverride == null ? 0 : maxRequestSizeOverride);
    }

    /**
     * {@link #refusal(String, long)} for a producer of the task's own, built from the connector's overrides: its
     * {@code max.request.size} is Kafka's default unless the connector overrides it.
     */
    String refusalByOwnProducer(String topic, long sizeInBytes) {
        return refusal(topic, sizeInBytes, maxRequestSizeOverride == null ? DEFAULT_MAX_REQUEST_SIZE
            : maxRequestSizeOverride);
    }

    /** @param maxRequestSize the producer's {@code max.request.size}; 0 when it is not known here */
    private String refusal(String topic, long sizeInBytes, int maxRequestSize) {
        if (sizeInBytes < 0) {
            return null;
        }
        if (maxRequestSize > 0 && sizeInBytes > maxRequestSize) {
            return "RecordTooLarge: the record is " + sizeInBytes + " bytes, more than the producer's max.request.size ("
                + maxRequestSize + ")";
        }
        if (!compressed) {
            long topicLimit = topicLimit(topic);
            if (topicLimit > 0 && sizeInBytes > topicLimit) {
                return "RecordTooLarge: the record is " + sizeInBytes + " bytes, more than output topic '" + topic
                    + "' accepts (max.message.bytes " + topicLimit + ")";
            }
        }
        return null;
    }

    /** The topic's max.message.bytes, read at most once a {@link #TOPIC_LIMIT_TTL_MS}; 0 when it cannot be read. */
    private long topicLimit(String topic) {
        long now = clock.millis();
        TopicLimit known = topics.get(topic);
        if (known != null && now - known.readAt() < TOPIC_LIMIT_TTL_MS) {
            return known.maxMessageBytes();
        }
        long limit = readTopicLimit(topic);
        topics.put(topic, new TopicLimit(limit, now));
        return limit;
    }

    private long readTopicLimit(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            if (admin == null) {
                Map<String, Object> client = adminConfig.get();
                if (client == null) {
                    return 0; // no sink of this stash in this worker: its cluster is not known here
                }
                Map<String, Object> settings = new HashMap<>();
                client.forEach((key, value) -> {
                    if (AdminClientConfig.configNames().contains(key)) {
                        settings.put(key, value);
                    }
                });
                settings.putAll(producerOverrides); // where the output is, when not on the input's cluster
                settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "durastash-output-limits");
                admin = Admin.create(settings);
            }
            Config config = admin.describeConfigs(List.of(resource)).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null ? 0 : Long.parseLong(entry.value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("Cannot read max.message.bytes of output topic '{}' ({}); records for it are not checked "
                + "against it before they are sent", topic, e.toString());
            return 0;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ZERO);
            admin = null;
        }
    }
}
