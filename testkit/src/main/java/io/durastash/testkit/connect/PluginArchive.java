package io.durastash.testkit.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.testkit.BuildInfo;
import io.durastash.testkit.Directories;
import io.durastash.testkit.StackFailure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
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
 * The packaged plugin, a Confluent Hub component archive ({@code durastash-durastash-<version>.zip} holding one
 * {@code durastash-durastash-<version>/} directory with {@code manifest.json}, {@code lib/} and {@code doc/}), handled as a user
 * handles it: listed, read, and unzipped into a plugin.path directory, where its top directory is one plugin.
 */
public final class PluginArchive {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path zip;
    private final List<String> entries = new ArrayList<>();

    private PluginArchive(Path zip) {
        this.zip = zip;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Collections.list(file.entries()).forEach(entry -> entries.add(entry.getName()));
        } catch (IOException e) {
            throw StackFailure.environment("Cannot read the plugin archive " + zip + ": " + e.getMessage());
        }
    }

    public static PluginArchive open(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw StackFailure.environment("The plugin archive " + zip + " is missing. Build it with `mvn -DskipTests "
                + "package -pl plugin -am` (`mvn verify` and ./durastash-local build it too).");
        }
        return new PluginArchive(zip);
    }

    /** The archive this build put in plugin/target. */
    public static PluginArchive ofBuild() {
        return open(BuildInfo.load().pluginArchive());
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

    /** {@code <top>/manifest.json}. */
    public JsonNode manifest() {
        return read("manifest.json", JSON::readTree);
    }

    /** The names of the files inside {@code lib/<jarName>}, and the text of those under META-INF/services/. */
    public JarContents jar(String jarName) {
        return read("lib/" + jarName, in -> {
            List<String> names = new ArrayList<>();
            Map<String, String> services = new TreeMap<>();
            try (JarInputStream jar = new JarInputStream(in)) {
                for (JarEntry inner; (inner = jar.getNextJarEntry()) != null; ) {
                    names.add(inner.getName());
                    if (inner.getName().startsWith(JarContents.SERVICES) && !inner.isDirectory()) {
                        services.put(inner.getName().substring(JarContents.SERVICES.length()),
                            new String(jar.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
            return new JarContents(names, services);
        });
    }

    private interface EntryReader<T> {
        T read(InputStream in) throws IOException;
    }

    private <T> T read(String pathInTop, EntryReader<T> reader) {
        String name = topDirectories().iterator().next() + "/" + pathInTop;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry(name);
            if (entry == null) {
                throw StackFailure.environment("The plugin archive " + zip + " has no " + name + ".");
            }
            try (InputStream in = file.getInputStream(entry)) {
                return reader.read(in);
            }
        } catch (IOException e) {
            throw StackFailure.environment("Cannot read " + name + " of the plugin archive " + zip + ": "
                + e.getMessage());
        }
    }

    /**
     * Empties {@code pluginPath} and unzips the archive into it, as an operator installs it (so a rebuilt archive is
     * what runs), and returns the plugin's directory ({@code pluginPath/durastash-durastash-<version>}). Like
     * {@code unzip}, it keeps the executable bit the archive gives a file ({@code bin/durastash}).
     */
    public Path installInto(Path pluginPath) {
        Path root = pluginPath.toAbsolutePath().normalize();
        Directories.empty(root);
        try (FileSystem archive = FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"))) {
            for (String name : entries) {
                Path target = root.resolve(name).normalize();
                if (!target.startsWith(root) || target.equals(root)) {
                    throw StackFailure.environment("The plugin archive " + zip + " has an entry outside its directory: "
                        + name);
                }
                if (name.endsWith("/")) {
                    Files.createDirectories(target);
                } else {
                    Path entry = archive.getPath("/" + name);
                    Files.createDirectories(target.getParent());
                    Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
                    keepExecutable(entry, target);
                }
            }
        } catch (IOException e) {
            throw StackFailure.environment("Cannot unzip the plugin archive " + zip + " into " + root + ": "
                + e.getMessage());
        }
        Path top = topDirectories().size() == 1 ? root.resolve(topDirectories().iterator().next()) : null;
        if (top == null || !Files.isDirectory(top.resolve("lib"))) {
            throw StackFailure.environment("The plugin archive " + zip + " does not have the layout "
                + "durastash-durastash-<version>/lib/*.jar: its top entries are " + topDirectories() + ".");
        }
        return top;
    }

    private static void keepExecutable(Path entry, Path target) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view == null || !Files.getPosixFilePermissions(entry).contains(PosixFilePermission.OWNER_EXECUTE)) {
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.copyOf(view.readAttributes().permissions());
        permissions.addAll(List.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_EXECUTE));
        view.setPermissions(permissions);
    }
}
