package io.durastash.faults;

import io.durastash.testkit.Deadline;
import io.durastash.testkit.connect.ConnectorStatus;
import io.durastash.testkit.process.WorkerProcess;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Polls connectors' status every 500 ms on a thread of its own while a fault plays out, and remembers every state it
 * saw and every status with a FAILED connector or task (each once, with the first line of its trace): a task that
 * fails and is restarted between two looks of the test would otherwise go unseen.
 */
final class StatusWatch implements AutoCloseable {
    private final Thread thread;
    private final Set<String> failures = new CopyOnWriteArraySet<>();
    private final Set<String> states = new ConcurrentSkipListSet<>();
    private volatile boolean stop;

    private StatusWatch(WorkerProcess worker, List<String> connectors) {
        thread = new Thread(() -> {
            while (!stop) {
                for (String connector : connectors) {
                    ConnectorStatus status = worker.connectors().status(connector);
                    states.add(status.connector());
                    states.addAll(status.tasks().values());
                    if (status.failed()) {
                        failures.add(connector + ": " + status + (status.trace() == null ? ""
                            : ": " + status.trace().lines().findFirst().orElse("")));
                    }
                }
                Deadline.pause(500);
            }
        }, "status-watch");
        thread.setDaemon(true);
    }

    static StatusWatch start(WorkerProcess worker, List<String> connectors) {
        StatusWatch watch = new StatusWatch(worker, connectors);
        watch.thread.start();
        return watch;
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    Set<String> statesSeen() {
        return Set.copyOf(states);
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
