package io.durastash.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The packaged plugin: a Confluent Hub component archive ({@code durastash-<version>.zip} holding one
 * {@code durastash-<version>/} directory with {@code manifest.json}, {@code lib/} and {@code doc/}), read as a
 * user would read it: by listing and unzipping it.
 */
public final class PluginArchive {
    /** Where {@code mvn verify} tells the tests the plugin module put the archive. */
    public static final String ARCHIVE_PROPERTY = "durastash.plugin.archive";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path zip;
    private final List<String> entries = new ArrayList<>();

    private PluginArchive(Path zip) {
        this.zip = zip;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                entries.add(e.nextElement().getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read plugin archive " + zip, e);
        }
    }

    public static PluginArchive open(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new AssertionError("No plugin archive at " + zip.toAbsolutePath() + ": build it first with "
                + "`mvn -pl plugin -am package` (`mvn verify` does that before running the integration tests)");
        }
        return new PluginArchive(zip);
    }

    /** The archive named by the {@value #ARCHIVE_PROPERTY} system property. */
    public static PluginArchive fromSystemProperty() {
        String path = System.getProperty(ARCHIVE_PROPERTY);
        if (path == null) {
            throw new AssertionError("System property " + ARCHIVE_PROPERTY + " is not set: run this test through "
                + "`mvn verify` (failsafe sets it), or set it to plugin/target/durastash-<version>.zip");
        }
        return open(Path.of(path));
    }

    public Path path() {
        return zip;
    }

    /** Every entry name, directories included ({@code durastash-0.1.0/lib/...}). */
    public List<String> entries() {
        return List.copyOf(entries);
    }

    /** The distinct first path elements of all entries: exactly one for a well-formed archive. */
    public Set<String> topDirectories() {
        Set<String> tops = new TreeSet<>();
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            tops.add(slash < 0 ? entry : entry.substring(0, slash));
        }
        return tops;
    }

    /** File names directly under {@code <top>/lib/}. */
    public List<String> libJars() {
        List<String> jars = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.split("/");
            if (parts.length == 3 && parts[1].equals("lib") && !entry.endsWith("/")) {
                jars.add(parts[2]);
            }
        }
        return jars;
    }

    public JsonNode manifest() {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry(topDirectories().iterator().next() + "/manifest.json");
            if (entry == null) {
                throw new AssertionError("No manifest.json in " + zip);
            }
            try (InputStream in = file.getInputStream(entry)) {
                return JSON.readTree(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read manifest.json of " + zip, e);
        }
    }

    /** The names of the files inside {@code lib/<jar>}, and the text of those under META-INF/services/. */
    public JarContents jar(String jarName) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry(topDirectories().iterator().next() + "/lib/" + jarName);
            if (entry == null) {
                throw new AssertionError("No lib/" + jarName + " in " + zip);
            }
            List<String> names = new ArrayList<>();
            Map<String, String> services = new TreeMap<>();
            try (JarInputStream jar = new JarInputStream(file.getInputStream(entry))) {
                for (JarEntry inner; (inner = jar.getNextJarEntry()) != null; ) {
                    names.add(inner.getName());
                    if (inner.getName().startsWith("META-INF/services/") && !inner.isDirectory()) {
                        services.put(inner.getName().substring("META-INF/services/".length()),
                            new String(jar.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            return new JarContents(names, services);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read lib/" + jarName + " of " + zip, e);
        }
    }

    /**
     * Unzips the archive into {@code pluginPath}, as an operator installs it, and returns the plugin directory
     * ({@code pluginPath/durastash-<version>}).
     */
    public Path installInto(Path pluginPath) {
        Path root = pluginPath.toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new AssertionError("Archive entry escapes the plugin path: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unzip " + zip + " into " + root, e);
        }
        return root.resolve(topDirectories().iterator().next());
    }

    /** What one jar in {@code lib/} holds. */
    public record JarContents(List<String> entries, Map<String, String> services) {
        /** The classes a {@code META-INF/services/<service>} file names, comments and blanks dropped. */
        public List<String> providers(String service) {
            String text = services.getOrDefault(service, "");
            return text.lines().map(line -> line.replaceFirst("#.*", "").trim()).filter(line -> !line.isEmpty())
                .toList();
        }
    }
}
