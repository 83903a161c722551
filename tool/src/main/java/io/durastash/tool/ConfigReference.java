package io.durastash.tool;

import io.durastash.sink.StashSinkConfig;
import io.durastash.sink.StashSinkConnector;
import io.durastash.source.StashSourceConfig;
import io.durastash.source.StashSourceConnector;
import org.apache.kafka.common.config.ConfigDef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Generates {@code docs/configuration.md} from the connectors' {@link ConfigDef}s, so the reference is never
 * maintained by hand. {@code main} writes it to the file named by its argument, or prints it.
 */
public final class ConfigReference {
    /** How to regenerate the file; named in it and in the failure of the test that keeps it current. */
    public static final String REGENERATE = "mvn -q -pl tool test -Ddurastash.docs.regenerate=true "
        + "(or: java -cp tool/target/durastash-tool.jar io.durastash.tool.ConfigReference docs/configuration.md)";

    private ConfigReference() {
    }

    public static void main(String[] args) throws IOException {
        String markdown = markdown();
        if (args.length == 0) {
            System.out.print(markdown);
        } else {
            Path file = Paths.get(args[0]);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, markdown, StandardCharsets.UTF_8);
            System.err.println("Wrote " + file.toAbsolutePath());
        }
    }

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# DuraStash configuration reference\n\n");
        md.append("<!-- Generated from the connectors' ConfigDefs by io.durastash.tool.ConfigReference; do not edit by hand.\n");
        md.append("     Regenerate: ").append(REGENERATE).append(" -->\n\n");
        md.append("The keys each DuraStash connector defines. Both also take the Kafka Connect framework keys (`name`, ")
            .append("`connector.class`, `tasks.max`, `topics` or `topics.regex` for the sink, `transforms`, converters, ")
            .append("`errors.*`, `exactly.once.support` and `transaction.boundary` for the source, ...), documented by Kafka. ")
            .append("A sink and a source connector share a stash when both name the same `stash.dir` and `stash.name` ")
            .append("in one worker.\n\n");
        md.append("- [Sink connector](#sink-connector)\n");
        md.append("- [Source connector](#source-connector)\n\n");
        connector(md, "Sink connector", StashSinkConnector.class, StashSinkConfig.CONFIG_DEF);
        connector(md, "Source connector", StashSourceConnector.class, StashSourceConfig.configDef());
        return md.toString();
    }

    private static void connector(StringBuilder md, String title, Class<?> connectorClass, ConfigDef def) {
        List<ConfigDef.ConfigKey> keys = sorted(def);
        md.append("## ").append(title).append("\n\n");
        md.append("`connector.class=").append(connectorClass.getName()).append("`\n\n");
        md.append("| Key | Type | Default | Importance | Group |\n");
        md.append("|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : keys) {
            md.append("| `").append(key.name).append("` | ").append(type(key)).append(" | ").append(cell(defaultValue(key)))
                .append(" | ").append(lower(key.importance)).append(" | ").append(cell(group(key))).append(" |\n");
        }
        md.append('\n');
        String group = null;
        for (ConfigDef.ConfigKey key : keys) {
            if (!group(key).equals(group)) {
                group = group(key);
                md.append("### ").append(title).append(": ").append(group).append("\n\n");
            }
            md.append("#### `").append(key.name).append("`\n\n");
            md.append(text(key.documentation)).append("\n\n");
            md.append("- Type: ").append(type(key)).append('\n');
            md.append("- Default: ").append(defaultValue(key)).append('\n');
            md.append("- Valid values: ").append(key.validator == null ? "any " + type(key) : text(key.validator.toString())).append('\n');
            md.append("- Importance: ").append(lower(key.importance)).append('\n');
            if (key.displayName != null) {
                md.append("- Display name: ").append(text(key.displayName)).append('\n');
            }
            if (key.dependents != null && !key.dependents.isEmpty()) {
                md.append("- Dependents: ");
                for (int i = 0; i < key.dependents.size(); i++) {
                    md.append(i == 0 ? "" : ", ").append('`').append(key.dependents.get(i)).append('`');
                }
                md.append('\n');
            }
            md.append('\n');
        }
    }

    /** In group order (the order groups were first defined), then by order in the group, as toEnrichedRst does. */
    private static List<ConfigDef.ConfigKey> sorted(ConfigDef def) {
        List<String> groups = def.groups();
        List<ConfigDef.ConfigKey> keys = new ArrayList<>();
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            if (!key.internalConfig) {
                keys.add(key);
            }
        }
        keys.sort(Comparator.<ConfigDef.ConfigKey>comparingInt(k -> k.group == null ? Integer.MAX_VALUE : groups.indexOf(k.group))
            .thenComparingInt(k -> k.orderInGroup)
            .thenComparing(k -> k.name));
        return keys;
    }

    private static String group(ConfigDef.ConfigKey key) {
        return key.group == null ? "Other" : key.group;
    }

    private static String type(ConfigDef.ConfigKey key) {
        return lower(key.type);
    }

    private static String lower(Object value) {
        return value.toString().toLowerCase(Locale.ROOT);
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "*required*";
        }
        if (key.defaultValue == null) {
            return "*none*";
        }
        String value = ConfigDef.convertToString(key.defaultValue, key.type);
        return value.isEmpty() ? "`\"\"`" : "`" + value + "`";
    }

    /** Keeps prose literal in Markdown: angle brackets would otherwise read as HTML. */
    private static String text(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cell(String value) {
        return value.replace("|", "\\|");
    }
}
