package io.socketleak.junit;

import java.util.List;

/**
 * One socket the agent found in a scope: either a leak it saw ({@code collected}, {@code closeWait})
 * or a socket still open ({@link #STILL_OPEN}).
 *
 * @param kind      the agent's leak kind, or {@link #STILL_OPEN}
 * @param remote    the peer, {@code host:port}
 * @param inbound   accepted from a listening socket rather than connected
 * @param ageMillis how long it had been open (when found, for a leak; now, for an open socket)
 * @param blame     the first frame of the application's own code: the line to fix
 * @param frames    {@code StackTraceElement} strings, innermost first
 * @param count     how many sockets this entry stands for (the agent may fold leaks of one call site)
 */
record Finding(String kind, String remote, boolean inbound, long ageMillis, String thread, String blame,
               List<String> frames, int count) {
    static final String COLLECTED = "collected";
    static final String CLOSE_WAIT = "closeWait";
    static final String STILL_OPEN = "open";

    boolean stillOpen() {
        return STILL_OPEN.equals(kind);
    }

    /**
     * What tells this socket apart from others when scopes are compared. An open socket's age grows
     * between two questions, so it is left out; a leak's age was fixed when it was found.
     */
    Identity identity() {
        return new Identity(kind, remote, inbound, thread, blame, frames, stillOpen() ? -1 : ageMillis, count);
    }

    record Identity(String kind, String remote, boolean inbound, String thread, String blame,
                    List<String> frames, long ageMillis, int count) {
    }
}
