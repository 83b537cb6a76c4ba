package io.socketleak.agent.jmx;

import java.util.Map;

/**
 * The agent's management interface, registered as {@code AgentProtocol.OBJECT_NAME}. Open types only,
 * so that jconsole and JMX clients without the agent's classes can read it.
 */
public interface SocketLeakDetectorMXBean {
    long getOpenSockets();

    long getListeningSockets();

    long getOpened();

    long getClosed();

    long getActiveCloses();

    long getPassiveCloses();

    long getAbortiveCloses();

    long getCollectedUnclosed();

    long getCloseWaitLeaks();

    /** All leaks found so far (collected and CLOSE_WAIT). */
    long getLeaks();

    /** The fullest destination's port budget, 0 to 1 (ports in use over ports available). */
    double getWorstPortUtilization();

    /**
     * The busiest destinations, at most {@value #BUSIEST_DESTINATIONS} (those with the most ports in use
     * first), keyed by the remote {@code ip:port} this JVM connects to: a {@code TabularData} for a JMX
     * client, one row per destination, so that a monitoring system can label each by its destination.
     */
    Map<String, DestinationPorts> getBusiestDestinations();

    /** Rows of {@link #getBusiestDestinations()} at most: a scrape stays small however many destinations. */
    int BUSIEST_DESTINATIONS = 20;

    long getOpenFileDescriptors();

    long getMaxFileDescriptors();

    /** Hooks that did not take on this JDK, one line each; empty when all are in. */
    String[] getMissingHooks();

    /** How many hooks did not take, the lines of {@link #getMissingHooks()} counted: 0 when all are in. */
    int getMissingHookCount();

    String report();

    String reportJson();

    /** The agent's version. */
    String getVersion();

    // The options that can change at run time: each setter takes the option's own form (as after
    // "interval=") and fails naming the form it expects; nothing changes then.

    /** The periodic summary's interval, like {@code 60s}; {@code 0} for none. */
    String getInterval();

    void setInterval(String interval);

    /** The JSON report's path, written at exit and each interval; empty for none. */
    String getReport();

    void setReport(String path);

    /** How long a socket may stay open after its peer closed before it is a leak, like {@code 30s}. */
    String getCloseWaitAfter();

    void setCloseWaitAfter(String closeWaitAfter);

    /** The fraction of a budget (ports, descriptors) at which the agent warns, like {@code 0.8}. */
    double getWarnAt();

    void setWarnAt(double warnAt);

    /** Where summaries and warnings go: {@code stderr} or a file path. */
    String getLog();

    void setLog(String log);

    /**
     * A mark for {@link #socketsSinceJson}: this JVM's {@code System.nanoTime()}. Sockets opened at or
     * after it belong to the scope that took it (a test class, a test).
     */
    long mark();

    /**
     * The sockets opened since {@code mark} that leaked (collected without close, left in
     * CLOSE_WAIT), and those still open, as the scope JSON ({@code AgentProtocol.ScopeJson}).
     * Processes pending work first, so a leak the collector has already revealed is included.
     */
    String socketsSinceJson(long mark);

    /** The same for the sockets opened at or after {@code from} and before {@code to} (two marks). */
    String socketsBetweenJson(long from, long to);
}
