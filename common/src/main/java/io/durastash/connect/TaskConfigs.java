package io.durastash.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Task configs of a DuraStash connector: every task runs with the connector's own config. */
public final class TaskConfigs {
    private TaskConfigs() {
    }

    /** {@code maxTasks} copies of {@code connectorConfig}, each its own map. */
    public static List<Map<String, String>> copies(Map<String, String> connectorConfig, int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(new HashMap<>(connectorConfig));
        }
        return configs;
    }
}
