package io.durastash.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a stash holds on disk while no connector has it open, read as an operator would: with the stash tool of the
 * installed plugin, {@code <plugin>/bin/durastash --dir <stash> --format json stats}.
 */
final class StashOnDisk {
    private static final long TIMEOUT_SECONDS = 60;

    private StashOnDisk() {
    }

    /** The records the stash holds, not yet delivered; 0 when there is no stash yet. */
    static long pendingRecords(Path plugin, Path stash) {
        if (!Files.isRegularFile(stash.resolve("CURRENT"))) {
            return 0;
        }
        Path tool = plugin.resolve("bin").resolve("durastash");
        List<String> command = List.of("sh", tool.toString(), "--dir", stash.toString(), "--format", "json", "stats");
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not answer: exit "
                    + (process.isAlive() ? "none" : process.exitValue()));
            }
            JsonNode stats = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
            return stats.path("pendingRecords").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the stash " + stash);
        }
    }
}
