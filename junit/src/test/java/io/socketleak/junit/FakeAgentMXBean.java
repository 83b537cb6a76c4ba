package io.socketleak.junit;

/** The part of the agent's MXBean the extension uses; {@link FakeAgent} plays it in these tests. */
public interface FakeAgentMXBean {
    String getVersion();

    long mark();

    String socketsSinceJson(long mark);

    String socketsBetweenJson(long from, long to);
}
