package io.durastash.integration.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.testkit.Deadline;
import io.durastash.testkit.process.ChildProcess;
import io.durastash.testkit.process.Ports;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus server, the {@code prometheus} binary, scraping one target every second into a data directory of
 * its own, and its HTTP API as Grafana calls it: instant queries ({@code /api/v1/query}) and label values
 * ({@code /api/v1/label/<name>/values}).
 */
final class PrometheusServer implements AutoCloseable {
    static final String BINARY_PROPERTY = "prometheus.binary";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration READY = Duration.ofSeconds(60);

    private final ChildProcess process;
    private final URI api;

    private PrometheusServer(ChildProcess process, URI api) {
        this.process = process;
        this.api = api;
    }

    /**
     * The binary {@code -Dprometheus.binary} names, or {@code prometheus} on PATH; fails, saying how to install it,
     * when there is none: the monitoring proof needs a real server.
     */
    static Path binary() {
        String configured = System.getProperty(BINARY_PROPERTY, "");
        if (!configured.isBlank()) {
            Path binary = Path.of(configured);
            if (!Files.isExecutable(binary)) {
                throw new AssertionError("-D" + BINARY_PROPERTY + "=" + configured + " is not an executable file.");
            }
            return binary;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path binary = Path.of(dir.isEmpty() ? "." : dir, "prometheus");
            if (Files.isExecutable(binary)) {
                return binary;
            }
        }
        throw new AssertionError("The monitoring test needs a Prometheus server and found no `prometheus` on PATH ("
            + System.getenv("PATH") + "). Install it with `sudo apt-get install prometheus` (Debian, Ubuntu; .ci/run "
            + "does this), or download a release from https://prometheus.io/download/ and run the build with "
            + "-D" + BINARY_PROPERTY + "=/path/to/prometheus.");
    }

    /** Starts {@code binary} scraping {@code target} ({@code host:port}) as job {@code job}, in {@code dir}. */
    static PrometheusServer start(Path binary, Path dir, String job, String target) {
        int port = Ports.anyFree();
        Path config = dir.resolve("prometheus.yml");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ['%s']
                """.formatted(job, target), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config, e);
        }
        ChildProcess process = ChildProcess.start("Prometheus server", List.of(binary.toString(),
            "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port), dir, Map.of(), dir.resolve("prometheus.log"));
        PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port + "/"));
        server.awaitReady();
        return server;
    }

    /** {@code GET /api/v1/query?query=<expr>}: the {@code data} of a successful answer ({@code resultType}, {@code result}). */
    JsonNode query(String expr) throws IOException {
        return data("api/v1/query?query=" + encode(expr), expr);
    }

    /** {@code GET /api/v1/label/<label>/values?match[]=<selector>}, as Grafana's {@code label_values(selector, label)}. */
    List<String> labelValues(String label, String selector) throws IOException {
        List<String> values = new ArrayList<>();
        data("api/v1/label/" + label + "/values?" + encode("match[]") + "=" + encode(selector), "label_values(" + selector + ", "
            + label + ")").forEach(value -> values.add(value.asText()));
        return values;
    }

    /** The end of the server's log, for a failure message. */
    String logTail() {
        return process.tailReport();
    }

    private JsonNode data(String path, String what) throws IOException {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus rejected " + what + " (HTTP " + response.statusCode() + "): "
                + body.path("errorType").asText() + ": " + body.path("error").asText());
        }
        return body.path("data");
    }

    private void awaitReady() {
        Deadline deadline = Deadline.after(READY);
        String last = "no answer";
        while (!deadline.passed()) {
            if (!process.isAlive()) {
                throw new AssertionError("The Prometheus server exited with code " + process.exitCode() + "."
                    + process.tailReport());
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(api.resolve("-/ready"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + ready.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Deadline.pause(250);
        }
        throw new AssertionError("The Prometheus server at " + api + " was not ready within " + READY.toSeconds()
            + " s (" + last + ")." + process.tailReport());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
