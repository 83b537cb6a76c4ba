package io.socketleak.agent.tracking;

import java.util.List;

/**
 * Everything tracking knows at one moment, detached from live state: safe to hand to any thread.
 *
 * @param openSockets   connected sockets open now, including those past the {@code maxTracked} cap
 * @param notStoredOpen of those, how many are only counted, not stored with their details
 * @param listening     listening sockets open now (counted, never leaks)
 */
public record Snapshot(long openSockets, long notStoredOpen, long listening, Counters counters,
                       List<CallSiteStats> callSites, List<Leak> leaks, List<DestinationStats> destinations) {

    /**
     * @param closed           all closes made by the application (active + passive + abortive)
     * @param collectedUnclosed sockets that became unreachable without {@code close()}
     * @param closeWaitLeaks    sockets left open past {@code closeWaitAfter} after the peer closed
     * @param notStored         sockets opened while the {@code maxTracked} cap was reached
     * @param excluded          sockets left out by {@code exclude}
     */
    public record Counters(long opened, long closed, long activeCloses, long passiveCloses, long abortiveCloses,
                           long collectedUnclosed, long closeWaitLeaks, long notStored, long excluded) {
    }

    public record CallSiteStats(int id, String blame, List<String> frames, int open, long opened,
                                long activeCloses, long passiveCloses, long abortiveCloses, long collected,
                                long closeWait, long oldestOpenMillis, List<String> remotes) {
    }

    public record DestinationStats(String remote, int open, long opened, long activeCloses, long passiveCloses,
                                   long abortiveCloses, long collected) {
    }

    public long leakCount() {
        long n = 0;
        for (Leak leak : leaks) {
            n += leak.count();
        }
        return n;
    }
}
