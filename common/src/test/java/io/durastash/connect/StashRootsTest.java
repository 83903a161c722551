package io.durastash.connect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StashRootsTest {
    @TempDir
    Path dir;

    private StashRoots rootsAt(Path... roots) {
        StringBuilder value = new StringBuilder();
        for (Path root : roots) {
            value.append(value.length() == 0 ? "" : File.pathSeparator).append(root);
        }
        return StashRoots.parse(value.toString(), StashRoots.ENV);
    }

    @Test
    void aStashInsideARootIsAllowedAlsoBeforeItsDirectoriesExist() throws IOException {
        Path root = Files.createDirectories(dir.resolve("stashes"));
        StashRoots roots = rootsAt(dir.resolve("other"), root);
        assertEquals(Optional.empty(), roots.problem(root.resolve("team-a").resolve("orders")));
        assertTrue(roots.confined());
    }

    @Test
    void aStashOutsideEveryRootIsRefusedNamingTheRootsTheSettingAndTheKey() throws IOException {
        Path root = Files.createDirectories(dir.resolve("stashes"));
        String problem = rootsAt(root).problem(dir.resolve("etc").resolve("orders")).orElseThrow();
        assertTrue(problem.contains(dir.resolve("etc").resolve("orders").toString()), problem);
        assertTrue(problem.contains(root.toString()), problem);
        assertTrue(problem.contains(StashRoots.ENV + "=" + root), problem);
        assertTrue(problem.contains(StashConnectorConfig.STASH_DIR_CONFIG), problem);
    }

    @Test
    void theRootItselfIsNoStash() throws IOException {
        Path root = Files.createDirectories(dir.resolve("stashes"));
        assertTrue(rootsAt(root).problem(root).isPresent());
    }

    @Test
    void dotDotCannotLeaveARoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("stashes"));
        assertTrue(rootsAt(root).problem(root.resolve("..").resolve("elsewhere").resolve("orders")).isPresent());
        assertTrue(rootsAt(root).problem(dir.resolve("stashes-evil").resolve("orders")).isPresent(),
            "a sibling whose name starts with the root's is outside it");
    }

    @Test
    void aSymbolicLinkInARootThatPointsOutOfItIsRefused() throws IOException {
        Path root = Files.createDirectories(dir.resolve("stashes"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        String problem = rootsAt(root).problem(root.resolve("escape").resolve("orders")).orElseThrow();
        assertTrue(problem.contains("resolves to " + outside.toRealPath().resolve("orders")), problem);
    }

    @Test
    void aRootReachedThroughASymbolicLinkAllowsItsRealPath() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertEquals(Optional.empty(), rootsAt(link).problem(real.resolve("orders")));
        assertEquals(Optional.empty(), rootsAt(real).problem(link.resolve("orders")));
    }

    @Test
    void withNeitherTheVariableNorThePropertyAnyStashIsAllowed() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(StashRoots.ENV) == null);
        StashRoots none = StashRoots.ofWorker();
        assertFalse(none.confined());
        assertEquals(Optional.empty(), none.problem(Path.of("/etc/orders")));
    }

    @Test
    void theSystemPropertyConfinesStashes() throws IOException {
        Path root = Files.createDirectories(dir.resolve("stashes"));
        System.setProperty(StashRoots.PROPERTY, root.toString());
        try {
            String problem = StashRoots.ofWorker().problem(Path.of("/etc/orders")).orElseThrow();
            assertTrue(problem.contains("-D" + StashRoots.PROPERTY + "=" + root), problem);
        } finally {
            System.clearProperty(StashRoots.PROPERTY);
        }
    }
}
