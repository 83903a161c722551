package io.durastash.testkit.connect;

import java.util.List;
import java.util.Map;

/** What one jar in a plugin's {@code lib/} holds: its entry names, and its service files' text by service name. */
public record JarContents(List<String> entries, Map<String, String> services) {
    static final String SERVICES = "META-INF/services/";

    /** The classes a {@code META-INF/services/<service>} file names, comments and blank lines dropped. */
    public List<String> providers(String service) {
        String text = services.getOrDefault(service, "");
        return text.lines().map(line -> line.replaceFirst("#.*", "").trim()).filter(line -> !line.isEmpty()).toList();
    }
}
