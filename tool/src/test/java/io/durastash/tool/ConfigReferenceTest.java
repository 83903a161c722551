package io.durastash.tool;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/configuration.md is generated from the ConfigDefs; this fails when someone changed one but not the other. */
class ConfigReferenceTest {
    private static final String REGENERATE_PROPERTY = "durastash.docs.regenerate";

    @Test
    void theCommittedReferenceMatchesTheConfigDefs() throws Exception {
        Path file = docs();
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean(REGENERATE_PROPERTY)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(file), file + " is missing. Generate it with: " + ConfigReference.REGENERATE);
        assertEquals(generated, Files.readString(file, StandardCharsets.UTF_8),
            file + " is out of date with the connectors' ConfigDefs. Regenerate it with: " + ConfigReference.REGENERATE);
    }

    @Test
    void everyKeyOfBothConnectorsIsDocumented() {
        String markdown = ConfigReference.markdown();
        for (String key : io.durastash.sink.StashSinkConfig.CONFIG_DEF.names()) {
            assertTrue(markdown.contains("#### `" + key + "`"), key);
        }
        for (String key : io.durastash.source.StashSourceConfig.configDef().names()) {
            assertTrue(markdown.contains("#### `" + key + "`"), key);
        }
        assertTrue(markdown.contains("- Default: *required*"));
        assertTrue(markdown.contains("&lt;prefix&gt;batch.id"), "angle brackets are escaped");
    }

    /** docs/configuration.md of the repository: the parent of this module's directory. */
    private static Path docs() {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Paths.get(basedir).toAbsolutePath().getParent().resolve("docs").resolve("configuration.md");
    }
}
