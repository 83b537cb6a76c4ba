package io.socketleak.agent.tracking;

import io.socketleak.agent.kernel.KernelTcpTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The leaks found, on the tracker thread (guarded by the tracker): sockets collected without
 * {@code close()} (or closed by a cleaner) and sockets left in CLOSE_WAIT, tallied per kind and call site, the latest ones
 * one by one for questions about a scope, and the sockets whose peer closed, waiting for their
 * {@code closeWaitAfter} to run out.
 */
final class Leaks {
    private final Tracker.LeakListener listener;
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    /** Sockets whose peer closed, oldest end-of-stream first, until they close or are due as leaks. */
    private final ArrayDeque<TrackedSocket> awaitingClose = new ArrayDeque<>();
    /** The latest leaks one by one, for questions about a scope ("what leaked since the test began"). */
    private final ArrayDeque<Scope.LeakEvent> recent = new ArrayDeque<>();
    /** Closed by a cleaner, on any thread: leaks to count here. */
    private final Queue<TrackedSocket> cleanedUp = new ConcurrentLinkedQueue<>();
    private long droppedEvents;
    private long sequence;
    private long collectedUnclosed;
    private long closeWait;

    Leaks(Tracker.LeakListener listener) {
        this.listener = listener;
    }

    /** A socket became unreachable without {@code close()}. */
    void collected(TrackedSocket lost, long nowMillis) {
        collectedUnclosed++;
        lost.site.collected++;
        found(LeakKind.COLLECTED, lost, nowMillis);
    }

    /** A cleaner closed this socket (see {@link Cleaners}): the application dropped it. Any thread. */
    void cleanedUp(TrackedSocket record) {
        cleanedUp.add(record);
    }

    /** The sockets cleaners closed are collected leaks, once their stacks are resolved. */
    void collectCleanedUp(long nowMillis) {
        TrackedSocket record;
        for (int n = cleanedUp.size(); n > 0 && (record = cleanedUp.poll()) != null; n--) {
            if (record.site == null) {
                cleanedUp.add(record); // its stack is resolved at the next tick
            } else if (!record.excluded) {
                collected(record, nowMillis);
            }
        }
    }

    /** The peer closed this socket: from now on its {@code closeWaitAfter} runs. */
    void peerClosed(TrackedSocket record) {
        awaitingClose.add(record);
    }

    /** Open sockets the kernel shows in CLOSE_WAIT ({@link KernelTcpTable#portPair} keys) have had their peer close. */
    void peerClosedPerKernel(Iterable<TrackedSocket> open, java.util.Set<Long> closeWaitPorts) {
        if (closeWaitPorts.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (TrackedSocket r : open) {
            if (r.endOfStreamAtNanos == 0 && r.outputShutdownAtNanos == 0 && r.remote != null
                    && closeWaitPorts.contains(KernelTcpTable.portPair(r.localPort, r.remote.getPort()))) {
                r.endOfStreamAtNanos = now;
                awaitingClose.add(r);
            }
        }
    }

    /** Sockets whose peer closed over {@code closeWaitNanos} ago, and still open, become leaks. */
    void findCloseWaits(long closeWaitNanos, long nowMillis) {
        long nowNanos = System.nanoTime();
        TrackedSocket record;
        // Oldest first: stop at the first socket that is still open and not yet due.
        while ((record = awaitingClose.peekFirst()) != null) {
            if (record.site == null) {
                break; // its stack is resolved at the next tick: wait for it
            }
            boolean settled = !record.isOpen() || record.excluded || record.outputShutdownAtNanos != 0
                    || record.refersTo(null);
            if (!settled && nowNanos - record.endOfStreamAtNanos < closeWaitNanos) {
                break;
            }
            awaitingClose.pollFirst();
            if (!settled) {
                record.closeWaitLeak = true;
                closeWait++;
                record.site.closeWait++;
                found(LeakKind.CLOSE_WAIT, record, nowMillis);
            }
        }
    }

    private void found(LeakKind kind, TrackedSocket record, long nowMillis) {
        long number = ++sequence;
        String key = kind.name() + "@" + record.site.id();
        Tally tally = tallies.get(key);
        boolean first = tally == null;
        if (first) {
            tally = new Tally(kind, record.site, number);
            tallies.put(key, tally);
        }
        tally.count++;
        tally.lastSeen = number;
        tally.latest(record, nowMillis);
        if (recent.size() >= Scope.MAX_EVENTS) {
            recent.pollFirst();
            droppedEvents++;
        }
        recent.add(new Scope.LeakEvent(number, record.id, kind, record.openedAtNanos, tally.remote, record.inbound,
                tally.ageMillis, record.thread, Leak.CallSiteRef.of(record.site)));
        listener.leakFound(tally.toLeak(), first);
    }

    /** Every leak so far, one entry per kind and call site, first found first. */
    List<Leak> all() {
        List<Leak> result = new ArrayList<>();
        for (Tally tally : tallies.values()) {
            result.add(tally.toLeak());
        }
        return result;
    }

    /** The sockets still open, as leaks of kind {@link LeakKind#OPEN_AT_EXIT}, one entry per call site. */
    static List<Leak> stillOpen(Iterable<TrackedSocket> records, long nowMillis) {
        Map<CallSite, Tally> bySite = new LinkedHashMap<>();
        for (TrackedSocket r : records) {
            if (!r.isReportedOpen() || r.closeWaitLeak) { // one leak is one leak, however long it stays open
                continue;
            }
            Tally tally = bySite.get(r.site);
            if (tally == null) {
                tally = new Tally(LeakKind.OPEN_AT_EXIT, r.site, 0);
                bySite.put(r.site, tally);
            }
            tally.count++;
            if (nowMillis - r.openedAtMillis >= tally.ageMillis) {
                tally.latest(r, nowMillis); // the oldest stands for the site
            }
        }
        List<Leak> result = new ArrayList<>();
        for (Tally tally : bySite.values()) {
            result.add(tally.toLeak());
        }
        return result;
    }

    /** The leaks of sockets opened in the window, of those still kept one by one. */
    List<Scope.LeakEvent> openedIn(Window window) {
        List<Scope.LeakEvent> leaked = new ArrayList<>();
        for (Scope.LeakEvent event : recent) {
            if (window.holds(event.openedAtNanos())) {
                leaked.add(event);
            }
        }
        return leaked;
    }

    /** Whether every leak found is still kept one by one. */
    boolean allKept() {
        return droppedEvents == 0;
    }

    /** Leaks found so far; a leak found later has a higher sequence number. */
    long sequence() {
        return sequence;
    }

    long collectedUnclosed() {
        return collectedUnclosed;
    }

    long closeWait() {
        return closeWait;
    }

    /** Leaks of one kind at one call site. */
    private static final class Tally {
        final LeakKind kind;
        final CallSite site;
        final long firstSeen;
        long lastSeen;
        long count;
        String remote;
        long ageMillis;
        String thread;

        Tally(LeakKind kind, CallSite site, long firstSeen) {
            this.kind = kind;
            this.site = site;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }

        /** The details shown are this socket's. */
        void latest(TrackedSocket record, long nowMillis) {
            remote = Destinations.describe(record.remote);
            ageMillis = Math.max(0, nowMillis - record.openedAtMillis);
            thread = record.thread;
        }

        Leak toLeak() {
            return new Leak(kind, remote, ageMillis, thread, Leak.CallSiteRef.of(site), count, firstSeen, lastSeen);
        }
    }
}
