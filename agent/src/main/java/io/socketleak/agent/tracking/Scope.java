package io.socketleak.agent.tracking;

import java.util.List;

/**
 * What became of the sockets opened since a mark: the question a test asks ("did this test leak?").
 *
 * @param complete false if leaks were found so fast that older ones were no longer kept
 */
public record Scope(long markNanos, List<LeakEvent> leaks, List<OpenSocket> open, boolean complete) {
    /** Leak events kept for scope questions; older ones are dropped (and {@code complete} turns false). */
    static final int MAX_EVENTS = 10_000;

    /** One leaked socket. */
    public record LeakEvent(long sequence, LeakKind kind, long openedAtNanos, String remote, boolean inbound,
                            long ageMillis, String thread, Leak.CallSiteRef site) {
    }

    /** One socket still open. */
    public record OpenSocket(String remote, boolean inbound, String thread, long ageMillis, Leak.CallSiteRef site) {
    }
}
