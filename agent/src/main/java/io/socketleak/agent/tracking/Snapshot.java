package io.socketleak.agent.tracking;

import java.util.List;

/**
 * Everything tracking knows at one moment, detached from live state: safe to hand to any thread.
 *
 * @param openSockets   tracked sockets open now (connected or accepted, excluded ones not counted)
 * @param notStoredOpen sockets opened past the {@code maxTracked} cap that may still be open: counted apart
 * @param listening     listening sockets open now (counted, never leaks)
 */
public record Snapshot(long openSockets, long notStoredOpen, long listening, Counters counters,
                       List<CallSiteStats> callSites, List<Leak> leaks, List<DestinationStats> destinations,
                       Exhaustions exhaustions) {

    /** Connects, binds and accepts refused for lack of ports or descriptors, and the latest message. */
    public record Exhaustions(long ports, long fileDescriptors, String lastMessage) {
    }

    /**
     * What became of the tracked sockets since start: {@code opened >= closed + collectedUnclosed + open},
     * equal when no close is in flight. What the agent did not see open is counted apart.
     *
     * @param opened            sockets tracked: seen open, stored, not excluded
     * @param closed            their closes made by the application (active + passive + abortive)
     * @param collectedUnclosed tracked sockets that became unreachable without {@code close()}, or were
     *                          closed by a cleaner
     * @param closeWaitLeaks    tracked sockets left open past {@code closeWaitAfter} after the peer closed
     * @param notStored         sockets opened while the {@code maxTracked} cap was reached: not tracked
     * @param unseenActive      closes of sockets not seen open (opened before tracking began, or past the
     *                          cap), active ones; and so on for the other two kinds
     * @param excluded          sockets left out by the {@code exclude=} option
     */
    public record Counters(long opened, long closed, long activeCloses, long passiveCloses, long abortiveCloses,
                           long collectedUnclosed, long closeWaitLeaks, long notStored, long unseenActive,
                           long unseenPassive, long unseenAbortive, long excluded) {
        /** Closes of sockets not seen open, of any kind. */
        public long closedUnseen() {
            return unseenActive + unseenPassive + unseenAbortive;
        }
    }

    public record CallSiteStats(int id, String blame, List<String> frames, int open, long opened,
                                long activeCloses, long passiveCloses, long abortiveCloses, long collected,
                                long closeWait, long oldestOpenMillis, List<String> remotes,
                                boolean applicationLine, String origin) {
    }

    /** Seconds over which {@link DestinationStats#recentActiveCloses} is counted, for a rate. */
    public static final int RATE_SECONDS = 10;
    /** With {@code tcp_tw_reuse}, a TIME_WAIT port may be reused for a new connect once it is this old. */
    public static final int REUSE_AGE_SECONDS = 2;

    /**
     * What became of the connections to one remote endpoint, and the local ports they hold.
     *
     * @param timeWait           closes within the TIME_WAIT length that left TIME_WAIT here: ports still held
     * @param youngTimeWait      of those, the ones younger than {@link #REUSE_AGE_SECONDS}: all that still
     *                           hold a port where {@code tcp_tw_reuse} applies
     * @param recentActiveCloses such closes in the last {@link #RATE_SECONDS} seconds
     * @param rateWindowMillis   the time those closes spread over: since the first of them, 1 s to
     *                           {@link #RATE_SECONDS}; their rate is the one over this window
     * @param topCallSites       the call sites with the most active closes to this destination
     */
    public record DestinationStats(String remote, java.net.InetSocketAddress address, int open, long opened,
                                   long activeCloses, long passiveCloses, long abortiveCloses, long collected,
                                   long timeWait, long youngTimeWait, long recentActiveCloses,
                                   long rateWindowMillis, List<SiteCount> topCallSites) {
        /** Active closes a second, over the recent window. */
        public double activeClosesPerSecond() {
            return recentActiveCloses / (rateWindowMillis / 1000.0);
        }
    }

    /** A call site's blamed line and a count. */
    public record SiteCount(String blame, long count) {
    }

    /**
     * The counts of a snapshot without its lists.
     *
     * @param openSockets connected sockets open now, as {@link Snapshot#openSockets()}
     * @param listening   listening sockets open now
     */
    public record Totals(long openSockets, long listening, Counters counters) {
        /** Leaks found so far (collected and CLOSE_WAIT), as {@link Snapshot#leakCount()} counts them. */
        public long leaks() {
            return counters.collectedUnclosed() + counters.closeWaitLeaks();
        }
    }

    public long leakCount() {
        long n = 0;
        for (Leak leak : leaks) {
            n += leak.count();
        }
        return n;
    }
}
