package io.socketleak.agent.jmx;

/**
 * The agent's management interface, {@code io.socketleak:type=SocketLeakDetector}. Open types only,
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

    long getOpenFileDescriptors();

    long getMaxFileDescriptors();

    /** Hooks that did not take on this JDK, one line each; empty when all are in. */
    String[] getMissingHooks();

    String report();

    String reportJson();
}
