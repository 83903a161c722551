package io.durastash.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Connect worker's REST API, as a user would call it with curl. */
final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ConnectRest(int port) {
        this.base = URI.create("http://localhost:" + port + "/");
    }

    URI base() {
        return base;
    }

    /** A response: its status and its body as JSON (a missing node when the body is not JSON). */
    record Response(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** Connect's error text ({@code {"error_code": ..., "message": ...}}), or the body. */
        String message() {
            return body.hasNonNull("message") ? body.get("message").asText() : body.toString();
        }
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Response put(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Response post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Response delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Content-Type", "application/json")
            .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.getNodeFactory().textNode(response.body());
        }
        return new Response(response.statusCode(), body);
    }

    /** The connector classes the worker found (on its classpath and plugin.path). */
    List<String> connectorClasses() throws IOException, InterruptedException {
        Response response = get("connector-plugins?connectorsOnly=true");
        List<String> classes = new ArrayList<>();
        response.body().forEach(plugin -> classes.add(plugin.path("class").asText()));
        return classes;
    }

    /**
     * The problems the connector's {@code validate()} reports for {@code file}'s config, as "key: message" lines;
     * empty when it is valid.
     */
    List<String> validate(ConnectorConfigFile file) throws IOException, InterruptedException {
        ObjectNode config = JSON.valueToTree(file.config());
        config.put("name", file.name());
        Response response = put("connector-plugins/" + file.connectorClass() + "/config/validate", config);
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
     * Creates the connector of {@code file}, or updates its config when it exists; {@code paused} creates it in the
     * PAUSED state (or pauses it), so that it starts no task.
     */
    void deploy(ConnectorConfigFile file, boolean paused) throws IOException, InterruptedException {
        ObjectNode create = JSON.createObjectNode();
        create.put("name", file.name());
        create.set("config", JSON.valueToTree(file.config()));
        if (paused) {
            create.put("initial_state", "PAUSED");
        }
        Response response = post("connectors", create);
        if (response.status() == 409) {
            response = put("connectors/" + file.name() + "/config", JSON.valueToTree(file.config()));
            if (response.ok()) {
                response = put("connectors/" + file.name() + (paused ? "/pause" : "/resume"), JSON.createObjectNode());
            }
        }
        if (!response.ok()) {
            throw StackFailure.startup("Connect rejected the connector '" + file.name() + "' from " + file.file()
                + " (HTTP " + response.status() + "): " + response.message());
        }
    }

    /** The connector's state and its tasks' states, from {@code /connectors/<name>/status}. */
    record Status(String connector, Map<Integer, String> tasks, String trace) {
    }

    Status status(String name) throws IOException, InterruptedException {
        Response response = get("connectors/" + name + "/status");
        if (!response.ok()) {
            return new Status(response.status() == 404 ? "MISSING" : "UNKNOWN", Map.of(), response.message());
        }
        JsonNode body = response.body();
        Map<Integer, String> tasks = new java.util.TreeMap<>();
        String trace = body.path("connector").path("trace").asText(null);
        for (JsonNode task : body.path("tasks")) {
            tasks.put(task.path("id").asInt(), task.path("state").asText());
            if (trace == null && task.hasNonNull("trace")) {
                trace = task.get("trace").asText();
            }
        }
        return new Status(body.path("connector").path("state").asText(), tasks, trace);
    }
}
