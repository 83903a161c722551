package io.durastash.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Installs the plugin archive as a user would: unzipped into a plugin.path directory, where its top directory
 * ({@code durastash-<version>/}, with {@code lib/}) is one plugin. Replaced on every start, so a rebuilt archive is
 * what runs.
 */
final class PluginArchive {
    private PluginArchive() {
    }

    /** Empties {@code pluginPath} and unzips {@code archive} into it; returns the plugin's directory. */
    static Path install(Path archive, Path pluginPath) {
        if (!Files.isRegularFile(archive)) {
            throw StackFailure.environment("The plugin archive " + archive + " is missing. Build it with "
                + "./durastash-local --build (or `mvn -DskipTests package -pl local-stack -am`), or name another "
                + "with --plugin-zip.");
        }
        try {
            deleteTree(pluginPath);
            Files.createDirectories(pluginPath);
            Path top = null;
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                    Path target = pluginPath.resolve(entry.getName()).normalize();
                    if (!target.startsWith(pluginPath) || target.equals(pluginPath)) {
                        throw StackFailure.environment("The plugin archive " + archive + " has an entry outside its "
                            + "directory: " + entry.getName());
                    }
                    Path first = pluginPath.resolve(pluginPath.relativize(target).getName(0));
                    top = top == null ? first : top;
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        try (InputStream in = zip.getInputStream(entry)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
            if (top == null || !Files.isDirectory(top.resolve("lib"))) {
                throw StackFailure.environment("The plugin archive " + archive + " does not have the layout "
                    + "durastash-<version>/lib/*.jar.");
            }
            return top;
        } catch (IOException e) {
            throw StackFailure.environment("Cannot unzip the plugin archive " + archive + " into " + pluginPath + ": "
                + e.getMessage());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
