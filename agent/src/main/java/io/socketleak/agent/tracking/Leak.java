package io.socketleak.agent.tracking;

import java.util.List;

/**
 * Leaks of one kind at one call site: how many, and the latest one's details.
 *
 * @param remote    the latest leaked socket's peer, {@code host:port}
 * @param ageMillis how long the latest one had been open when it was found
 * @param thread    the thread that opened the latest one
 * @param firstSeen sequence number of the first of these leaks, for "leaked since" questions
 * @param lastSeen  sequence number of the latest
 */
public record Leak(LeakKind kind, String remote, long ageMillis, String thread, CallSiteRef site, long count,
                   long firstSeen, long lastSeen) {

    /**
     * Enough of a call site to print it, detached from the live counters.
     *
     * @param applicationLine whether {@code blame} is the application's own line
     * @param origin          how the socket came from that line when another thread opened it, else null
     *                        ({@link CallSite#origin()})
     */
    public record CallSiteRef(int id, String blame, List<String> frames, boolean applicationLine, String origin) {
        /** A site the application's own thread opened its sockets at. */
        public CallSiteRef(int id, String blame, List<String> frames) {
            this(id, blame, frames, true, null);
        }

        static CallSiteRef of(CallSite site) {
            return new CallSiteRef(site.id(), site.blame(), site.frames(), site.applicationLine(), site.origin());
        }
    }
}
