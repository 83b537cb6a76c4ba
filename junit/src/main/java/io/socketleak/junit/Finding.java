package io.socketleak.junit;

import io.socketleak.protocol.AgentProtocol.ScopeJson;
import java.util.List;

/**
 * One socket the agent found in a scope: either a leak it saw ({@code collected}, {@code closeWait})
 * or a socket still open ({@link #STILL_OPEN}).
 *
 * @param socket    the agent's id for the socket: the same in every answer, so two answers can be compared
 * @param kind      the agent's leak kind, or {@link #STILL_OPEN}
 * @param remote    the peer, {@code host:port}
 * @param inbound   accepted from a listening socket rather than connected
 * @param ageMillis how long it had been open (when found, for a leak; now, for an open socket)
 * @param blame     the line to fix: the application's own, or when none is known the library's that
 *                  opened the socket (then {@code origin} says so)
 * @param origin    null when the application's thread opened it; else how it came from {@code blame}
 *                  ("through OkHttp, connected on thread ..."), or "application line unknown: ..."
 * @param frames    {@code StackTraceElement} strings, innermost first
 */
record Finding(long socket, String kind, String remote, boolean inbound, long ageMillis, String thread, String blame,
               String origin, List<String> frames) {
    static final String COLLECTED = ScopeJson.COLLECTED;
    static final String CLOSE_WAIT = ScopeJson.CLOSE_WAIT;
    static final String STILL_OPEN = "open";

    boolean stillOpen() {
        return STILL_OPEN.equals(kind);
    }
}
