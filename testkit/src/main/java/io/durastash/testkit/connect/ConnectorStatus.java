package io.durastash.testkit.connect;

import java.util.Map;

/** A connector's state and its tasks' states, as {@code /connectors/<name>/status} reports them, with the first trace. */
public record ConnectorStatus(String connector, Map<Integer, String> tasks, String trace) {
    public static final String RUNNING = "RUNNING";
    public static final String PAUSED = "PAUSED";
    /** {@code PUT /connectors/<name>/stop}: the connector keeps its config and runs no task. */
    public static final String STOPPED = "STOPPED";
    public static final String FAILED = "FAILED";

    public boolean failed() {
        return FAILED.equals(connector) || tasks.containsValue(FAILED);
    }

    /** The connector and every task, at least one, in {@code state}. */
    public boolean allIn(String state) {
        return state.equals(connector) && !tasks.isEmpty() && tasks.values().stream().allMatch(state::equals);
    }

    @Override
    public String toString() {
        return "connector " + connector + (tasks.isEmpty() ? ", no tasks" : ", tasks " + tasks);
    }
}
