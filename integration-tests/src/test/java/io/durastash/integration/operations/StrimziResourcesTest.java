package io.durastash.integration.operations;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.durastash.sink.StashSinkConfig;
import io.durastash.sink.StashSinkConnector;
import io.durastash.source.StashSourceConfig;
import io.durastash.source.StashSourceConnector;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code KafkaConnect} and {@code KafkaConnector} resources of {@code docs/kubernetes.md}, every YAML block of it,
 * as Strimzi 1.2.0 takes them: valid against its CRDs (copied into {@code src/test/resources/strimzi-1.2.0}, see the
 * README there), with no field the API server would prune in silence, and none of what the operator refuses or drops
 * after the API server accepted it (mount paths outside {@code /mnt}, forbidden config keys, a Kafka version it does
 * not run). The connector configs use only keys our connectors and Connect know.
 */
class StrimziResourcesTest {
    private static final String GROUP = "kafka.strimzi.io";
    private static final String API_VERSION = GROUP + "/v1";
    private static final String CRDS = "/strimzi-1.2.0/";

    // Strimzi 1.2.0, api/src/main/java/io/strimzi/api/kafka/model/connect/KafkaConnectSpec.java. The operator
    // (cluster-operator/.../model/AbstractConfiguration.java, filterForbidden) splits them on commas, drops a key whose
    // lower case starts with a prefix unless the key is an exception, and only logs a WARN: the resource is accepted.
    private static final String FORBIDDEN_PREFIXES = "group.id, config.storage.topic, offset.storage.topic, "
        + "status.storage.topic, ssl., sasl., security., listeners, plugin.path, rest., bootstrap.servers, "
        + "consumer.interceptor.classes, producer.interceptor.classes, prometheus.metrics.reporter.";
    private static final String FORBIDDEN_PREFIX_EXCEPTIONS = "ssl.endpoint.identification.algorithm, ssl.cipher.suites, "
        + "ssl.protocol, ssl.enabled.protocols";
    // Strimzi 1.2.0, api/src/main/java/io/strimzi/api/kafka/model/connector/AbstractConnectorSpec.java: exact keys.
    private static final String FORBIDDEN_PARAMETERS = "name, connector.class, tasks.max, connector.plugin.version";
    // Strimzi 1.2.0, cluster-operator/src/main/java/io/strimzi/operator/cluster/model/TemplateUtils.java: the operator
    // refuses the resource (InvalidResourceException) for a mount path outside it or a volume name not matching.
    private static final String ALLOWED_MOUNT_PATH = "/mnt";
    private static final Pattern VOLUME_NAME = Pattern.compile("^(?=.{0,63}$)[a-zA-Z0-9][a-zA-Z0-9-._]*[a-zA-Z0-9]$");
    // Strimzi 1.2.0, kafka-versions.yaml: the versions with supported: true.
    private static final Set<String> KAFKA_VERSIONS = Set.of("4.2.0", "4.2.1", "4.3.0", "4.3.1");
    // Where the worker's environment names the stash directories (README, "Shared clusters").
    private static final Set<String> STASH_PATH_VARIABLES = Set.of("DURASTASH_STASH_DIR", "DURASTASH_STASH_ROOTS");
    private static final Pattern CONFIG_VARIABLE = Pattern.compile("\\$\\{([^}:]+):([^}:]+)}");

    private static final YAMLMapper YAML = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .build();
    private static final ObjectNode CONNECT_SCHEMA = StrictCrdSchema.v1(CRDS + "041-Crd-kafkaconnect.yaml");
    private static final ObjectNode CONNECTOR_SCHEMA = StrictCrdSchema.v1(CRDS + "047-Crd-kafkaconnector.yaml");

    private final List<Block> blocks = yamlBlocks(guide());

    @Test
    void theGuideShowsAConnectClusterAndBothConnectorsOfThePair() {
        List<String> problems = new ArrayList<>();
        for (Block block : blocks) {
            String apiVersion = block.yaml().path("apiVersion").asString("");
            if (apiVersion.startsWith(GROUP + "/") && !apiVersion.equals(API_VERSION)) {
                problems.add(block + ": apiVersion " + apiVersion + ", not " + API_VERSION + " (Strimzi 1.0 and later "
                    + "serve no other)");
            }
        }
        List<Block> connects = kind("KafkaConnect");
        if (connects.isEmpty()) {
            problems.add("no KafkaConnect");
        }
        Set<String> classes = new HashSet<>();
        for (Block connector : kind("KafkaConnector")) {
            classes.add(connector.yaml().path("spec").path("class").asString(""));
            String cluster = connector.yaml().path("metadata").path("labels").path("strimzi.io/cluster").asString("");
            boolean managed = connects.stream().anyMatch(connect -> connect.name().equals(cluster)
                && connect.yaml().path("metadata").path("annotations").path("strimzi.io/use-connector-resources")
                    .asString("").equals("true"));
            if (!managed) {
                problems.add(connector + ": label strimzi.io/cluster '" + cluster + "' names no KafkaConnect of the "
                    + "guide annotated strimzi.io/use-connector-resources: \"true\"");
            }
        }
        for (String expected : List.of(StashSinkConnector.class.getName(), StashSourceConnector.class.getName())) {
            if (!classes.contains(expected)) {
                problems.add("no KafkaConnector of class " + expected);
            }
        }
        assertNone(problems);
    }

    /**
     * Against the v1 schema of the CRDs, made strict: the API server prunes a field the schema does not name, in
     * silence, so a misspelled or removed field would be lost on {@code kubectl apply} without an error.
     */
    @Test
    void everyResourceIsValidForStrimzisCrds() {
        Map<String, Schema> schemas = Map.of("KafkaConnect", schema(CONNECT_SCHEMA), "KafkaConnector",
            schema(CONNECTOR_SCHEMA));
        ObjectNode connectSpec = ((ObjectNode) CONNECT_SCHEMA.path("properties").path("spec")).deepCopy();
        connectSpec.remove("required");
        Schema fragment = schema(connectSpec);
        List<String> problems = new ArrayList<>();
        for (Block block : blocks) {
            JsonNode yaml = block.yaml();
            Schema schema = block.isConnectSpecFragment() ? fragment : schemas.get(yaml.path("kind").asString(""));
            if (schema == null) {
                continue;
            }
            for (Error error : schema.validate(yaml)) {
                problems.add(block + ": " + error.getInstanceLocation() + ": " + error.getMessage());
            }
            for (String field : List.of("annotations", "labels")) {
                yaml.path("metadata").path(field).properties().stream()
                    .filter(entry -> !entry.getValue().isString())
                    .forEach(entry -> problems.add(block + ": metadata." + field + "." + entry.getKey()
                        + " must be a string (quote it)"));
            }
            // The CRD's CEL rule (x-kubernetes-validations), which JSON Schema cannot say.
            JsonNode metrics = block.spec().path("metricsConfig");
            if (metrics.path("type").asString("").equals("jmxPrometheusExporter") && !metrics.has("valueFrom")) {
                problems.add(block + ": metricsConfig of type jmxPrometheusExporter without valueFrom");
            }
        }
        assertNone(problems);
    }

    /** The check above would pass anything if the strict schema were not strict. */
    @Test
    void theStrictSchemaRefusesFieldsKubernetesWouldPrune() {
        Schema schema = schema(CONNECT_SCHEMA);
        JsonNode connect = YAML.readTree("""
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaConnect
            metadata:
              name: connect
            spec:
              replicas: 1
              bootstrapServers: kafka:9092
              groupId: connect
              configStorageTopic: connect-configs
              offsetStorageTopic: connect-offsets
              statusStorageTopic: connect-status
              config:
                any.key: is kept
              resources:
                limits:
                  memory: 4Gi
                  cpu: 2
              externalConfiguration:
                env: []
              template:
                pod:
                  volumes:
                    - name: stash
                      emptyDir:
                        sizeLimt: 60Gi
            """);
        Set<String> refused = schema.validate(connect).stream()
            .map(error -> error.getInstanceLocation() + " " + error.getProperty())
            .collect(Collectors.toSet());
        assertEquals(Set.of("/spec externalConfiguration", "/spec/template/pod/volumes/0/emptyDir sizeLimt"), refused);
    }

    /** Strimzi accepts these resources, then drops such a key with a WARN in the operator's log: the guide has none. */
    @Test
    void noConfigKeyIsOneStrimziDrops() {
        List<String> prefixes = split(FORBIDDEN_PREFIXES);
        List<String> exceptions = split(FORBIDDEN_PREFIX_EXCEPTIONS);
        List<String> parameters = split(FORBIDDEN_PARAMETERS);
        List<String> problems = new ArrayList<>();
        for (Block connect : kind("KafkaConnect")) {
            for (String key : connect.yaml().path("spec").path("config").propertyNames()) {
                String lower = key.toLowerCase(Locale.ENGLISH);
                prefixes.stream()
                    .filter(prefix -> lower.startsWith(prefix) && !exceptions.contains(key))
                    .findFirst()
                    .ifPresent(prefix -> problems.add(connect + ": spec.config." + key + " (forbidden prefix '"
                        + prefix + "')"));
            }
        }
        for (Block connector : kind("KafkaConnector")) {
            for (String key : connector.yaml().path("spec").path("config").propertyNames()) {
                if (parameters.contains(key.toLowerCase(Locale.ENGLISH))) {
                    problems.add(connector + ": spec.config." + key + " (forbidden; a field of spec)");
                }
            }
        }
        assertNone(problems);
    }

    @Test
    void volumesMountWhereTheOperatorAllowsAndHoldTheStashes() {
        List<String> problems = new ArrayList<>();
        for (Block connect : blocks) {
            if (!connect.isConnectSpecFragment() && !connect.yaml().path("kind").asString("").equals("KafkaConnect")) {
                continue;
            }
            JsonNode template = connect.spec().path("template");
            Set<String> volumes = new HashSet<>();
            for (String list : List.of("volumes", "templatedVolumes")) {
                for (JsonNode volume : template.path("pod").path(list)) {
                    String name = volume.path("name").asString("");
                    volumes.add(name);
                    if (!VOLUME_NAME.matcher(name).matches()) {
                        problems.add(connect + ": template.pod." + list + " name '" + name + "' does not match "
                            + VOLUME_NAME);
                    }
                }
            }
            List<String> mountPaths = new ArrayList<>();
            for (Map.Entry<String, JsonNode> container : template.properties()) {
                for (JsonNode mount : container.getValue().path("volumeMounts")) {
                    String where = connect + ": template." + container.getKey() + ".volumeMounts ";
                    String path = mount.path("mountPath").asString("");
                    if (!path.startsWith(ALLOWED_MOUNT_PATH)) {
                        problems.add(where + "mountPath " + path + " does not start with " + ALLOWED_MOUNT_PATH);
                    }
                    if (!volumes.contains(mount.path("name").asString(""))) {
                        problems.add(where + "name '" + mount.path("name").asString("") + "' is no volume of "
                            + "template.pod");
                    }
                    if (container.getKey().equals("connectContainer")) {
                        mountPaths.add(path);
                    }
                }
            }
            for (JsonNode variable : template.path("connectContainer").path("env")) {
                String name = variable.path("name").asString("");
                if (!STASH_PATH_VARIABLES.contains(name)) {
                    continue;
                }
                for (String path : variable.path("value").asString("").split(":")) {
                    boolean mounted = mountPaths.stream()
                        .anyMatch(mount -> Path.of(path).normalize().startsWith(Path.of(mount)));
                    if (!mounted) {
                        problems.add(connect + ": " + name + " " + path + " is on no volume the connect container "
                            + "mounts " + mountPaths);
                    }
                }
            }
        }
        assertNone(problems);
    }

    @Test
    void theKafkaVersionIsOneStrimziRuns() {
        List<String> problems = new ArrayList<>();
        for (Block connect : kind("KafkaConnect")) {
            String version = connect.yaml().path("spec").path("version").asString("");
            if (!KAFKA_VERSIONS.contains(version)) {
                problems.add(connect + ": spec.version '" + version + "' is not one of Strimzi 1.2.0's "
                    + KAFKA_VERSIONS.stream().sorted().toList());
            }
        }
        assertNone(problems);
    }

    /** A misspelled key is only a WARN in the worker's log ("was supplied but isn't a known config"), if that. */
    @Test
    void connectorConfigsUseKeysTheConnectorsKnowAndVariablesTheWorkerResolves() {
        Set<String> sinkKeys = union(StashSinkConfig.CONFIG_DEF.names(), SinkConnectorConfig.configDef().names());
        Set<String> sourceKeys = union(StashSourceConfig.configDef().names(), SourceConnectorConfig.configDef().names());
        Map<String, Set<String>> clientOverrides = Map.of(
            "consumer.override.", ConsumerConfig.configNames(),
            "producer.override.", ProducerConfig.configNames(),
            "admin.override.", AdminClientConfig.configNames());
        List<String> openPrefixes = List.of("transforms.", "predicates.", "key.converter.", "value.converter.",
            "header.converter.", "topic.creation.");
        List<String> problems = new ArrayList<>();
        for (Block connector : kind("KafkaConnector")) {
            JsonNode spec = connector.yaml().path("spec");
            String connectorClass = spec.path("class").asString("");
            Set<String> keys = connectorClass.equals(StashSinkConnector.class.getName()) ? sinkKeys
                : connectorClass.equals(StashSourceConnector.class.getName()) ? sourceKeys : null;
            if (keys == null) {
                continue;
            }
            Block connect = connectOf(connector);
            for (Map.Entry<String, JsonNode> entry : spec.path("config").properties()) {
                String key = entry.getKey();
                boolean known = keys.contains(key) || openPrefixes.stream().anyMatch(key::startsWith)
                    || clientOverrides.entrySet().stream().anyMatch(client -> key.startsWith(client.getKey())
                        && client.getValue().contains(key.substring(client.getKey().length())));
                if (!known) {
                    problems.add(connector + ": spec.config." + key + " is no key of " + connectorClass
                        + " nor of Connect");
                }
                Matcher variable = CONFIG_VARIABLE.matcher(entry.getValue().asString(""));
                while (connect != null && variable.find()) {
                    String unresolved = unresolved(connect, variable.group(1), variable.group(2));
                    if (unresolved != null) {
                        problems.add(connector + ": spec.config." + key + " " + variable.group() + ": " + unresolved);
                    }
                }
            }
        }
        assertNone(problems);
    }

    /** Why the worker of {@code connect} would not resolve {@code ${provider:name}}, or null. */
    private static String unresolved(Block connect, String provider, String name) {
        JsonNode spec = connect.yaml().path("spec");
        String ownProviders = spec.path("config").path("config.providers").asString("");
        boolean env = provider.equals("strimzienv") // Strimzi defines it on every worker, allowing every variable
            || Arrays.asList(ownProviders.split("\\s*,\\s*")).contains(provider)
                && spec.path("config").path("config.providers." + provider + ".class").asString("")
                    .equals("org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        if (!env) {
            return "provider '" + provider + "' is not an EnvVarConfigProvider of " + connect;
        }
        for (JsonNode variable : spec.path("template").path("connectContainer").path("env")) {
            if (variable.path("name").asString("").equals(name)) {
                return null;
            }
        }
        return name + " is not in " + connect + "'s template.connectContainer.env";
    }

    private Block connectOf(Block connector) {
        String cluster = connector.yaml().path("metadata").path("labels").path("strimzi.io/cluster").asString("");
        return kind("KafkaConnect").stream().filter(connect -> connect.name().equals(cluster)).findFirst().orElse(null);
    }

    private static Schema schema(JsonNode schema) {
        // OpenAPI 3.0's schema object is a subset of JSON Schema draft 4 (plus nullable, handled above).
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
    }

    private List<Block> kind(String kind) {
        return blocks.stream().filter(block -> block.yaml().path("kind").asString("").equals(kind)).toList();
    }

    /** Every document of every {@code ```yaml} block of the guide, with the line its block starts on. */
    static List<Block> yamlBlocks(Path guide) {
        List<String> lines;
        try {
            lines = Files.readAllLines(guide);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```yaml")) {
                continue;
            }
            int start = i + 1;
            StringBuilder text = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            List<JsonNode> documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text.toString()).readAll();
            for (JsonNode document : documents) {
                if (document != null && document.isObject()) {
                    blocks.add(new Block(guide.getFileName() + ", block at line " + start, document));
                }
            }
        }
        assertTrue(!blocks.isEmpty(), guide + " has no ```yaml block");
        return blocks;
    }

    private static Path guide() {
        String docs = System.getProperty("docs.dir");
        if (docs == null) {
            throw new AssertionError("-Ddocs.dir is not set: run this test through `mvn verify` (failsafe sets it).");
        }
        Path guide = Path.of(docs, "kubernetes.md").toAbsolutePath().normalize();
        if (!Files.isRegularFile(guide)) {
            throw new AssertionError(guide + " (from -Ddocs.dir) is missing.");
        }
        return guide;
    }

    private static List<String> split(String list) {
        return List.of(list.split("\\s*,+\\s*"));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        return union;
    }

    private static void assertNone(List<String> problems) {
        assertTrue(problems.isEmpty(), problems.size() + " problem(s) in docs/kubernetes.md:\n"
            + problems.stream().map(problem -> "  " + problem).collect(Collectors.joining("\n")));
    }

    /**
     * One YAML document of the guide: a resource, or a block of KafkaConnect {@code spec} fields alone (a variant of one
     * part of the resource), which is checked as such.
     */
    record Block(String where, JsonNode yaml) {
        private static final Set<String> CONNECT_SPEC_FIELDS = Set.copyOf(
            CONNECT_SCHEMA.path("properties").path("spec").path("properties").propertyNames());

        String name() {
            return yaml.path("metadata").path("name").asString("");
        }

        boolean isConnectSpecFragment() {
            return !yaml.has("kind") && !yaml.isEmpty() && CONNECT_SPEC_FIELDS.containsAll(yaml.propertyNames());
        }

        JsonNode spec() {
            return isConnectSpecFragment() ? yaml : yaml.path("spec");
        }

        @Override
        public String toString() {
            return where + (yaml.has("kind") ? " (" + yaml.path("kind").asString("") + " " + name() + ")"
                : isConnectSpecFragment() ? " (KafkaConnect spec fields)" : "");
        }
    }
}
