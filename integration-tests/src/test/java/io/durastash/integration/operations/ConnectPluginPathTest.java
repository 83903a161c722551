package io.durastash.integration.operations;

import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.connect.ConnectorConfig;
import io.durastash.testkit.connect.PluginArchive;
import io.durastash.testkit.process.CommandRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kafka's own check of a plugin, {@code connect-plugin-path list} ({@code org.apache.kafka.tools.ConnectPluginPath}
 * of kafka-tools, run as {@code bin/connect-plugin-path.sh} runs it: a JVM on a Kafka distribution's {@code libs/}),
 * on the unzipped plugin archive: it finds exactly the sink, the source and the REST extension, each loadable and
 * compatible with {@code plugin.discovery=service_load} (it has its {@code META-INF/services} manifest).
 */
@Tag("integration")
class ConnectPluginPathTest {
    private static final String REST_EXTENSION = "io.durastash.rest.StashHealthExtension";
    private static final Pattern SUMMARY = Pattern.compile("(?m)^(Total|Loadable|Compatible) plugins:\\s+(\\d+)\\s*$");

    @TempDir
    Path pluginPath;

    @Test
    void listsTheSinkTheSourceAndTheRestExtensionAsLoadableAndCompatible() throws IOException {
        Path plugin = PluginArchive.ofBuild().installInto(pluginPath);
        String classpath = Files.readString(BuildInfo.load().kafkaClasspathFile(), StandardCharsets.UTF_8).trim()
            + File.pathSeparator + OperationsFiles.kafkaToolsJar();
        CommandRun list = CommandRun.of(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classpath, "org.apache.kafka.tools.ConnectPluginPath", "list", "--plugin-location",
            plugin.toString()), Map.of());
        assertEquals(0, list.exitCode(), list.toString());

        Map<String, Map<String, String>> rows = rows(list.output());
        assertEquals(Set.of(ConnectorConfig.SINK_CLASS, ConnectorConfig.SOURCE_CLASS, REST_EXTENSION), rows.keySet(),
            list.toString());
        Map<String, String> types = Map.of(ConnectorConfig.SINK_CLASS, "sink", ConnectorConfig.SOURCE_CLASS, "source",
            REST_EXTENSION, "rest_extension");
        rows.forEach((name, row) -> {
            assertEquals(types.get(name), row.get("pluginType"), name + ": " + row);
            assertEquals("true", row.get("isLoadable"), name + ": " + row);
            assertEquals("true", row.get("hasManifest"), name + ": " + row);
            assertEquals(BuildInfo.load().version(), row.get("pluginVersion"), name + ": " + row);
            assertEquals(plugin.toString(), row.get("pluginLocation"), name + ": " + row);
        });
        Map<String, Integer> summary = new LinkedHashMap<>();
        Matcher line = SUMMARY.matcher(list.output());
        while (line.find()) {
            summary.put(line.group(1), Integer.parseInt(line.group(2)));
        }
        assertEquals(Map.of("Total", 3, "Loadable", 3, "Compatible", 3), summary, list.toString());
        System.out.print(list.output());
    }

    /** The table the tool prints: a tab-separated header, then one row per plugin until a blank line. */
    private static Map<String, Map<String, String>> rows(String output) {
        List<String> lines = Arrays.asList(output.split("\n"));
        List<String> header = List.of(lines.get(0).split("\t"));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String text : lines.subList(1, lines.size())) {
            if (text.isBlank()) {
                break;
            }
            String[] cells = text.split("\t");
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < cells.length ? cells[i] : "");
            }
            rows.put(row.get("pluginName"), row);
        }
        return rows;
    }
}
