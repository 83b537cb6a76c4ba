package io.socketleak.agent.tracking;

import java.util.List;

/**
 * What became of the sockets opened since a mark, or between two: the question a test asks ("did
 * this test leak?").
 *
 * @param endNanos the end of the window (excluded), or null for "up to now"
 * @param complete false if leaks were found so fast that older ones were no longer kept
 */
public record Scope(long markNanos, Long endNanos, List<LeakEvent> leaks, List<OpenSocket> open, boolean complete) {
    /** Leak events kept for scope questions; older ones are dropped (and {@code complete} turns false). */
    static final int MAX_EVENTS = 10_000;

    /** One leaked socket; {@code socket} is its id, as in {@link OpenSocket}. */
    public record LeakEvent(long sequence, long socket, LeakKind kind, long openedAtNanos, String remote, boolean inbound,
                            long ageMillis, String thread, Leak.CallSiteRef site) {
    }

    /** One socket still open. */
    public record OpenSocket(long socket, String remote, boolean inbound, String thread, long ageMillis, Leak.CallSiteRef site) {
    }
}
