package io.durastash.integration.operations;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link MetricsMBean}s registered on the platform MBean server for one test, unregistered at {@link #close}. */
final class StandInMBeans implements AutoCloseable {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();

    /** Registers an MBean named {@code name} with these attributes. */
    void register(String name, Map<String, Object> attributes) throws Exception {
        ObjectName objectName = new ObjectName(name);
        SERVER.registerMBean(new MetricsMBean(attributes), objectName);
        registered.add(objectName);
    }

    @Override
    public void close() throws Exception {
        for (ObjectName name : registered) {
            SERVER.unregisterMBean(name);
        }
        registered.clear();
    }
}
