package io.durastash.source;

import io.durastash.connect.HeaderBytes;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a source record into the bytes Kafka stores, as Connect's producer path would: the connector's
 * {@code key.converter}, {@code value.converter} and {@code header.converter} (each with its {@code <key>.*}
 * settings), Connect's {@code ByteArrayConverter} for any the connector config does not name. For a delivery that does not go
 * through Connect's producer ({@link TransactionalDelivery}); the converter classes must be visible to this plugin
 * (Kafka's own are). Not thread-safe.
 */
final class RecordConverter implements Function<SourceRecord, ProducerRecord<byte[], byte[]>>, AutoCloseable {
    static final String KEY_CONVERTER = "key.converter";
    static final String VALUE_CONVERTER = "value.converter";
    static final String HEADER_CONVERTER = HeaderBytes.HEADER_CONVERTER;
    /** Connect's own pass-through converter, on every worker's classpath. */
    static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private final Converter keyConverter;
    private final Converter valueConverter;
    private final HeaderConverter headerConverter;

    RecordConverter(Map<String, String> connectorConfig) {
        keyConverter = instance(connectorConfig, KEY_CONVERTER, Converter.class);
        keyConverter.configure(settings(connectorConfig, KEY_CONVERTER), true);
        valueConverter = instance(connectorConfig, VALUE_CONVERTER, Converter.class);
        valueConverter.configure(settings(connectorConfig, VALUE_CONVERTER), false);
        headerConverter = instance(connectorConfig, HEADER_CONVERTER, HeaderConverter.class);
        headerConverter.configure(settings(connectorConfig, HEADER_CONVERTER));
    }

    private static <T> T instance(Map<String, String> config, String key, Class<T> type) {
        String className = config.getOrDefault(key, BYTE_ARRAY_CONVERTER);
        try {
            return Utils.newInstance(className, type);
        } catch (ClassNotFoundException | ConfigException | ClassCastException e) {
            throw new ConnectException("With input.commit=transactional on the sink, this source task converts records "
                + "itself, and cannot load " + key + " '" + className + "' (" + e + "). Use a converter of Kafka's own "
                + "(org.apache.kafka.connect.converters.ByteArrayConverter keeps records byte for byte), or ship the "
                + "converter's jar in the DuraStash plugin directory. This task will be stopped.", e);
        }
    }

    private static Map<String, Object> settings(Map<String, String> config, String key) {
        Map<String, Object> settings = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(key + ".")) {
                settings.put(k.substring(key.length() + 1), v);
            }
        });
        return settings;
    }

    @Override
    public ProducerRecord<byte[], byte[]> apply(SourceRecord record) {
        String topic = record.topic();
        RecordHeaders headers = new RecordHeaders();
        try {
            for (Header header : record.headers()) {
                headers.add(header.key(), headerConverter.fromConnectHeader(topic, header.key(), header.schema(),
                    header.value()));
            }
            byte[] key = keyConverter.fromConnectData(topic, headers, record.keySchema(), record.key());
            byte[] value = valueConverter.fromConnectData(topic, headers, record.valueSchema(), record.value());
            return new ProducerRecord<>(topic, record.kafkaPartition(), record.timestamp(), key, value, headers);
        } catch (DataException e) {
            throw new ConnectException("Cannot convert a stashed record for topic '" + topic + "' with the source "
                + "connector's converters: " + e.getMessage() + ". Set key.converter, value.converter and "
                + "header.converter on the source connector to converters that accept what the sink's converters "
                + "produced (the same classes, usually). This task will be stopped.", e);
        }
    }

    @Override
    public void close() {
        Utils.closeQuietly(keyConverter, "key converter");
        Utils.closeQuietly(valueConverter, "value converter");
        Utils.closeQuietly(headerConverter, "header converter");
    }
}
