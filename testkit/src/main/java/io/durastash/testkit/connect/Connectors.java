package io.durastash.testkit.connect;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.StackFailure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The connectors of one Connect cluster, through the REST API of one of its workers: deploying, waiting for a state,
 * deleting. The one place for the cross-cutting steps around a connector: validate before creating, retry while a
 * distributed worker is still joining its group, give up at once (with Connect's trace) when a connector or a task
 * FAILED, or when a process of the stack died, and say at a deadline what was seen last.
 */
public final class Connectors {
    /** How long a connector may take to reach a state, its first start on a just-started worker included. */
    public static final Duration START = Duration.ofSeconds(120);
    /** Answers while a distributed worker joins its group or a rebalance runs: the request succeeds when retried. */
    private static final Set<Integer> RETRIED = Set.of(409, 500, 503);
    private static final int TRACE_LINES = 12;

    private final Supplier<ConnectRest> rest;
    private final Runnable requireAlive;
    private final Supplier<String> whereToLook;

    /**
     * {@code rest}: a worker of the cluster that answers; {@code requireAlive}: fails when a process of the stack died;
     * {@code whereToLook}: the end of a message that fails (a log's last lines), or "".
     */
    public Connectors(Supplier<ConnectRest> rest, Runnable requireAlive, Supplier<String> whereToLook) {
        this.rest = rest;
        this.requireAlive = requireAlive;
        this.whereToLook = whereToLook;
    }

    /** Validates {@code connector} with the connector itself, then creates it, or updates it when it exists. */
    public void deploy(ConnectorConfig connector) {
        deploy(connector, false);
    }

    /** The same, created PAUSED (or paused): it starts no task. */
    public void deployPaused(ConnectorConfig connector) {
        deploy(connector, true);
    }

    private void deploy(ConnectorConfig connector, boolean paused) {
        Deadline deadline = Deadline.after(START);
        while (true) {
            requireAlive.run();
            try {
                List<String> problems = rest.get().validate(connector);
                if (!problems.isEmpty()) {
                    throw StackFailure.startup("The connector config '" + connector.name() + "'" + connector.origin()
                        + " is invalid:" + System.lineSeparator() + "    "
                        + String.join(System.lineSeparator() + "    ", problems));
                }
                ConnectRest.Response response = rest.get().deploy(connector, paused);
                if (response.ok()) {
                    return;
                }
                if (!RETRIED.contains(response.status()) || deadline.passed()) {
                    throw StackFailure.startup("Connect rejected the connector '" + connector.name() + "'"
                        + connector.origin() + " (HTTP " + response.status() + "): " + response.message());
                }
            } catch (IOException e) {
                if (deadline.passed()) {
                    throw new UncheckedIOException("Cannot deploy the connector '" + connector.name() + "'", e);
                }
            }
            Deadline.pause(500);
        }
    }

    /** Deploys {@code connector} and waits until it runs its {@code tasks.max} tasks. */
    public void start(ConnectorConfig connector) {
        deploy(connector);
        awaitRunning(connector.name(), connector.tasksMax(), START);
    }

    /** Deploys {@code connector} PAUSED and waits until Connect reports it so. */
    public void startPaused(ConnectorConfig connector) {
        deployPaused(connector);
        awaitState(connector.name(), ConnectorStatus.PAUSED, START);
    }

    /** Deploys both connectors of {@code pair}, then waits until each runs its {@code tasks.max} tasks. */
    public void start(Pair pair) {
        deploy(pair.sink());
        deploy(pair.source());
        awaitRunning(pair.sink().name(), pair.sink().tasksMax(), START);
        awaitRunning(pair.source().name(), pair.source().tasksMax(), START);
    }

    /** The connector's status; UNREACHABLE (with the error as its trace) when the worker does not answer. */
    public ConnectorStatus status(String name) {
        try {
            return rest.get().status(name);
        } catch (IOException e) {
            return new ConnectorStatus("UNREACHABLE", java.util.Map.of(), e.toString());
        }
    }

    /** Waits until {@code name} and exactly {@code tasks} tasks are RUNNING. */
    public void awaitRunning(String name, int tasks, Duration timeout) {
        await(name, "RUNNING with " + tasks + " task(s)", timeout,
            status -> status.allIn(ConnectorStatus.RUNNING) && status.tasks().size() == tasks);
    }

    /** Waits until {@code name} is in {@code state}: PAUSED (the connector), or RUNNING (it and every task). */
    public void awaitState(String name, String state, Duration timeout) {
        await(name, state, timeout, status -> ConnectorStatus.PAUSED.equals(state) ? state.equals(status.connector())
            : status.allIn(state));
    }

    private void await(String name, String what, Duration timeout, Predicate<ConnectorStatus> reached) {
        Deadline deadline = Deadline.after(timeout);
        ConnectorStatus status = null;
        while (!deadline.passed()) {
            requireAlive.run();
            status = status(name);
            requireNotFailed(name, status);
            if (reached.test(status)) {
                return;
            }
            Deadline.pause(250);
        }
        throw StackFailure.startup("The connector '" + name + "' was not " + what + " within " + deadline.seconds()
            + " s: " + (status == null ? "no status" : status) + "." + whereToLook.get());
    }

    /** Fails, with the trace Connect reports, when the connector or one of its tasks FAILED. */
    public void requireNotFailed(String name) {
        requireNotFailed(name, status(name));
    }

    private void requireNotFailed(String name, ConnectorStatus status) {
        if (status.failed()) {
            throw StackFailure.startup("The connector '" + name + "' failed: " + status
                + (status.trace() == null ? "" : System.lineSeparator() + firstLines(status.trace())) + whereToLook.get());
        }
    }

    /** Deletes the connector and waits until Connect no longer knows it. */
    public void delete(String name) {
        try {
            rest.get().delete("connectors/" + name);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the connector '" + name + "'", e);
        }
        Deadline deadline = Deadline.after(START);
        while (!"MISSING".equals(status(name).connector())) {
            if (deadline.passed()) {
                throw StackFailure.startup("The connector '" + name + "' was not deleted within " + deadline.seconds()
                    + " s: " + status(name) + "." + whereToLook.get());
            }
            Deadline.pause(100);
        }
    }

    /** The names of the cluster's connectors. */
    public List<String> names() {
        try {
            return rest.get().connectors();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the connectors", e);
        }
    }

    /** The connector plugins the worker found (on its classpath and plugin.path). */
    public List<ConnectorPlugin> plugins() {
        try {
            return rest.get().plugins();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the connector plugins", e);
        }
    }

    private static String firstLines(String text) {
        String[] all = text.split("\\R");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(TRACE_LINES, all.length); i++) {
            out.append("    ").append(all[i]).append(System.lineSeparator());
        }
        if (all.length > TRACE_LINES) {
            out.append("    ...");
        }
        return out.toString().stripTrailing();
    }
}
