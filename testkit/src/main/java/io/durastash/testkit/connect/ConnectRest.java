package io.durastash.testkit.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One Connect worker's REST API, as a user calls it with curl: requests and their JSON answers. */
public final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final URI base;

    public ConnectRest(URI base) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    }

    public static ConnectRest onPort(int port) {
        return new ConnectRest(URI.create("http://localhost:" + port + "/"));
    }

    public URI base() {
        return base;
    }

    /** A response: its status and its body as JSON (a missing node when the body is empty, text when not JSON). */
    public record Response(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** Connect's error text ({@code {"error_code": ..., "message": ...}}), or the body. */
        public String message() {
            return body.hasNonNull("message") ? body.get("message").asText() : body.toString();
        }
    }

    public Response get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Response put(String path, JsonNode body) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public Response post(String path, JsonNode body) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public Response delete(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private static Response send(HttpRequest.Builder request) throws IOException {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.header("Content-Type", "application/json")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.getNodeFactory().textNode(response.body());
        }
        return new Response(response.statusCode(), body);
    }

    /** {@code GET /}: the Kafka cluster the worker is connected to. */
    public String kafkaClusterId() throws IOException {
        Response root = get("");
        if (!root.ok()) {
            throw new IOException("HTTP " + root.status());
        }
        return root.body().path("kafka_cluster_id").asText();
    }

    /** {@code GET /connector-plugins?connectorsOnly=true}: the connector plugins the worker found. */
    public List<ConnectorPlugin> plugins() throws IOException {
        Response response = get("connector-plugins?connectorsOnly=true");
        if (!response.ok()) {
            throw new IOException("GET /connector-plugins answered HTTP " + response.status() + ": " + response.message());
        }
        List<ConnectorPlugin> plugins = new ArrayList<>();
        response.body().forEach(plugin -> plugins.add(new ConnectorPlugin(plugin.path("class").asText(),
            plugin.path("type").asText(), plugin.path("version").asText())));
        return plugins;
    }

    /** The problems the connector's {@code validate()} reports for {@code connector}, as "key: message" lines. */
    public List<String> validate(ConnectorConfig connector) throws IOException {
        Response response = put("connector-plugins/" + connector.connectorClass() + "/config/validate",
            configJson(connector).put("name", connector.name()));
        if (!response.ok()) {
            return List.of("validation request failed (HTTP " + response.status() + "): " + response.message());
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode entry : response.body().path("configs")) {
            for (JsonNode error : entry.path("value").path("errors")) {
                problems.add(entry.path("value").path("name").asText() + ": " + error.asText());
            }
        }
        return problems;
    }

    /**
     * Creates the connector, or updates its config when it exists; {@code paused} creates it in the PAUSED state (or
     * pauses it), so that it starts no task. Returns the failed response, or the last successful one.
     */
    public Response deploy(ConnectorConfig connector, boolean paused) throws IOException {
        ObjectNode create = JSON.createObjectNode();
        create.put("name", connector.name());
        create.set("config", configJson(connector));
        if (paused) {
            create.put("initial_state", "PAUSED");
        }
        Response response = post("connectors", create);
        if (response.status() == 409) {
            response = put("connectors/" + connector.name() + "/config", configJson(connector));
            if (response.ok()) {
                response = act(connector.name(), paused ? "pause" : "resume");
            }
        }
        return response;
    }

    /** {@code PUT /connectors/<name>/<action>}: pause, resume or stop. */
    public Response act(String name, String action) throws IOException {
        return put("connectors/" + name + "/" + action, JSON.createObjectNode());
    }

    /** The worker ({@code worker_id}, host:port) each task of the connector runs on, by task id; empty when unknown. */
    public Map<Integer, String> taskWorkers(String name) throws IOException {
        Response response = get("connectors/" + name + "/status");
        Map<Integer, String> workers = new TreeMap<>();
        if (response.ok()) {
            for (JsonNode task : response.body().path("tasks")) {
                workers.put(task.path("id").asInt(), task.path("worker_id").asText());
            }
        }
        return workers;
    }

    /** {@code GET /connectors/<name>/status}; MISSING when there is no such connector. */
    public ConnectorStatus status(String name) throws IOException {
        Response response = get("connectors/" + name + "/status");
        if (!response.ok()) {
            return new ConnectorStatus(response.status() == 404 ? "MISSING" : "UNKNOWN", Map.of(), response.message());
        }
        JsonNode body = response.body();
        Map<Integer, String> tasks = new TreeMap<>();
        String trace = body.path("connector").path("trace").asText(null);
        for (JsonNode task : body.path("tasks")) {
            tasks.put(task.path("id").asInt(), task.path("state").asText());
            if (trace == null && task.hasNonNull("trace")) {
                trace = task.get("trace").asText();
            }
        }
        return new ConnectorStatus(body.path("connector").path("state").asText(), tasks, trace);
    }

    /** {@code GET /connectors}: the names of the connectors. */
    public List<String> connectors() throws IOException {
        Response response = get("connectors");
        List<String> names = new ArrayList<>();
        response.body().forEach(name -> names.add(name.asText()));
        return names;
    }

    /**
     * {@code GET /durastash/stashes}, the stash health REST extension's answer: a status and every stash open in this
     * worker. Fails when the worker does not serve it (no {@code rest.extension.classes}).
     */
    public JsonNode stashes() throws IOException {
        Response response = get("durastash/stashes");
        if (!response.ok()) {
            throw new IOException("GET /durastash/stashes answered HTTP " + response.status() + ": " + response.message()
                + " (is rest.extension.classes=io.durastash.rest.StashHealthExtension set on the worker?)");
        }
        return response.body();
    }

    /**
     * The entry of {@link #stashes()} for the stash directory {@code stash}; a missing node when it is not open. Throws
     * unchecked, to serve as a probe of {@link io.durastash.testkit.Await}.
     */
    public JsonNode stashHealth(Path stash) {
        JsonNode stashes;
        try {
            stashes = stashes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode entry : stashes.path("stashes")) {
            if (Path.of(entry.path("path").asText()).equals(stash)) {
                return entry;
            }
        }
        return JSON.missingNode();
    }

    private static ObjectNode configJson(ConnectorConfig connector) {
        return JSON.valueToTree(connector.config());
    }
}
