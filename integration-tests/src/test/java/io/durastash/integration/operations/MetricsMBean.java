package io.durastash.integration.operations;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import java.util.Map;

/**
 * A stand-in for an MBean as Kafka's JmxReporter registers one (for plugin metrics too, KIP-877): one read-only
 * attribute per metric, numbers and text. For tests that run the JMX exporter's rules without a worker.
 */
record MetricsMBean(Map<String, Object> values) implements DynamicMBean {
    @Override
    public Object getAttribute(String name) {
        return values.get(name);
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException();
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String name : names) {
            list.add(new Attribute(name, values.get(name)));
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return new MBeanInfo(MetricsMBean.class.getName(), "metrics", values.entrySet().stream()
            .map(value -> new MBeanAttributeInfo(value.getKey(), value.getValue().getClass().getName(), value.getKey(),
                true, false, false))
            .toArray(MBeanAttributeInfo[]::new), null, null, null);
    }
}
