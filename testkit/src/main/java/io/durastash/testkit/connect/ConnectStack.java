package io.durastash.testkit.connect;

import io.durastash.testkit.KafkaCluster;

import java.util.Map;

/**
 * A Kafka cluster with a Connect cluster on it, as a test, a benchmark or the launcher uses it: its bootstrap servers
 * for the clients, its topics and offsets through {@link #kafka()}, and its connectors through {@link #connectors()}.
 * Two implementations: in this JVM ({@code io.durastash.testkit.embedded}) and as real processes
 * ({@code io.durastash.testkit.process}); what a test does with either is written once.
 */
public abstract class ConnectStack implements AutoCloseable {

    public String bootstrapServers() {
        return kafka().bootstrap();
    }

    /** The Kafka cluster, through an Admin client. */
    public abstract KafkaCluster kafka();

    /** The Connect cluster's connectors, through a worker that answers. */
    public abstract Connectors connectors();

    /** Creates {@code topic} (when missing) and waits until each of its partitions has a leader. */
    public void createTopic(String topic, int partitions) {
        kafka().ensureTopic(topic, partitions);
    }

    public void createTopic(String topic, int partitions, Map<String, String> configs) {
        kafka().ensureTopic(topic, partitions, configs);
    }

    /** Creates the input topics of {@code pair}'s sink and the source's output topic of each, all with {@code partitions}. */
    public void createTopics(Pair pair, int partitions) {
        for (String input : pair.sink().inputTopics()) {
            createTopic(input, partitions);
            createTopic(pair.source().outputTopic(input), partitions);
        }
    }

    /** Stops what the stack started; idempotent. */
    @Override
    public abstract void close();
}
