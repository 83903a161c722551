package io.durastash.testkit.connect;

/** One connector plugin a worker found, as {@code GET /connector-plugins} lists it. */
public record ConnectorPlugin(String className, String type, String version) {
}
