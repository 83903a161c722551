package io.durastash.stash;

/** What the MBean of a stash left behind shows ({@link StrandedStashes}): the JMX exporter reads its attributes. */
public interface StrandedStashMBean {
    String getPath();

    long getRecords();

    long getBytes();

    long getStrandedMs();
}
