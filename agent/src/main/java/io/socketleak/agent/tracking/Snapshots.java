package io.socketleak.agent.tracking;

import io.socketleak.agent.kernel.KernelTcpTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The questions asked of the tracker: everything at one moment, the sockets still open, what became
 * of the sockets opened since a mark. The snapshots, totals and scopes first process the tracker's
 * queued work and are then taken under its monitor, so each is consistent with itself and detached
 * from live state; the destinations and port pairs are read as they are, cheaply.
 */
public final class Snapshots {
    /** Remote endpoints listed per call site. */
    private static final int REMOTES_PER_SITE = 5;

    // A comparator as a class, not a lambda: a short-lived JVM would pay for linking it.
    private static final Comparator<Snapshot.CallSiteStats> MOST_OPEN_FIRST = new Comparator<>() {
        @Override
        public int compare(Snapshot.CallSiteStats a, Snapshot.CallSiteStats b) {
            int byOpen = Integer.compare(b.open(), a.open());
            return byOpen != 0 ? byOpen : Long.compare(b.opened(), a.opened());
        }
    };

    private final Tracker tracker;

    public Snapshots(Tracker tracker) {
        this.tracker = tracker;
    }

    public Snapshot snapshot() {
        synchronized (tracker) {
            tracker.process();
            long now = System.currentTimeMillis();
            // Closes first, then the open sockets, then the opens: a socket counted closed has left the
            // open sockets already, one counted open was counted opened first. So opened is at least
            // closed + collected + open at every moment, here and at each call site.
            Closes closes = new Closes(tracker);
            List<CallSite> reported = tracker.callSites.reported();
            long[] siteCloses = new long[3 * reported.size()];
            for (int i = 0; i < reported.size(); i++) {
                Counts<CloseKind> c = reported.get(i).closes;
                siteCloses[3 * i] = c.get(CloseKind.ACTIVE);
                siteCloses[3 * i + 1] = c.get(CloseKind.PASSIVE);
                siteCloses[3 * i + 2] = c.get(CloseKind.ABORTIVE);
            }
            Map<CallSite, SiteOpen> openBySite = new HashMap<>();
            long stored = 0;
            for (TrackedSocket r : tracker.open.values()) {
                if (!r.isReportedOpen()) {
                    continue;
                }
                stored++;
                SiteOpen s = openBySite.get(r.site);
                if (s == null) {
                    s = new SiteOpen();
                    openBySite.put(r.site, s);
                }
                s.count++;
                s.oldest = Math.max(s.oldest, now - r.openedAtMillis);
                if (s.remotes.size() < REMOTES_PER_SITE) {
                    s.remotes.add(Destinations.describe(r.remote));
                }
            }
            List<Snapshot.CallSiteStats> sites = new ArrayList<>();
            for (int i = 0; i < reported.size(); i++) {
                CallSite site = reported.get(i);
                SiteOpen s = openBySite.getOrDefault(site, SiteOpen.NONE);
                sites.add(new Snapshot.CallSiteStats(site.id(), site.blame(), site.frames(), s.count,
                        site.opened.sum(), siteCloses[3 * i], siteCloses[3 * i + 1], siteCloses[3 * i + 2],
                        site.collected, site.closeWait, s.oldest, List.copyOf(s.remotes), site.applicationLine(),
                        site.origin()));
            }
            sites.sort(MOST_OPEN_FIRST);
            Snapshot.Exhaustions exhaustions = new Snapshot.Exhaustions(tracker.exhaustions(Exhaustion.PORTS),
                    tracker.exhaustions(Exhaustion.FILE_DESCRIPTORS), tracker.lastExhaustion);
            return new Snapshot(stored, notStoredOpen(), tracker.listeners().size(), closes.counters(tracker), sites,
                    tracker.leaks.all(), tracker.budgetAlarms().destinationStats(), exhaustions);
        }
    }

    /**
     * The counts alone, as in {@link #snapshot()}, without the call sites, leaks and destinations it
     * lists: for what is read often (the MXBean's attributes, a monitoring agent's scrape).
     */
    public Snapshot.Totals totals() {
        synchronized (tracker) {
            tracker.process();
            Closes closes = new Closes(tracker); // first, as in snapshot()
            long stored = 0;
            for (TrackedSocket r : tracker.open.values()) {
                if (r.isReportedOpen()) {
                    stored++;
                }
            }
            return new Snapshot.Totals(stored, tracker.listeners().size(), closes.counters(tracker));
        }
    }

    /** The closes so far, read before the open sockets are counted. */
    private static final class Closes {
        final long active;
        final long passive;
        final long abortive;

        Closes(Tracker tracker) {
            active = tracker.closes.get(CloseKind.ACTIVE);
            passive = tracker.closes.get(CloseKind.PASSIVE);
            abortive = tracker.closes.get(CloseKind.ABORTIVE);
        }

        /** The counters, with the opens read now, after the open sockets were counted. */
        Snapshot.Counters counters(Tracker tracker) {
            Leaks leaks = tracker.leaks; // counted under the monitor held here: they hold still
            return new Snapshot.Counters(tracker.openedSoFar(), active + passive + abortive, active, passive,
                    abortive, leaks.collectedUnclosed(), leaks.closeWait(), tracker.notStored.sum(),
                    tracker.closesOfUnknown.get(CloseKind.ACTIVE), tracker.closesOfUnknown.get(CloseKind.PASSIVE),
                    tracker.closesOfUnknown.get(CloseKind.ABORTIVE), tracker.excluded.sum());
        }
    }

    /** Sockets past the cap that may still be open: at most those opened past it, less the closes of unseen ones. */
    private long notStoredOpen() {
        return Math.max(0, tracker.notStored.sum() - tracker.closesOfUnknown.total());
    }

    /** Sockets still open, as leaks of kind {@link LeakKind#OPEN_AT_EXIT}, one entry per call site. */
    public List<Leak> stillOpen() {
        synchronized (tracker) {
            tracker.process();
            return Leaks.stillOpen(tracker.open.values(), System.currentTimeMillis());
        }
    }

    /**
     * Sockets opened at or after {@code markNanos} (a {@code System.nanoTime()} of this JVM): those
     * that leaked, and those still open.
     */
    public Scope since(long markNanos) {
        return scope(new Window(markNanos, null));
    }

    /** Sockets opened at or after {@code fromNanos} and before {@code toNanos}: those that leaked, and those still open. */
    public Scope between(long fromNanos, long toNanos) {
        return scope(new Window(fromNanos, toNanos));
    }

    private Scope scope(Window window) {
        synchronized (tracker) {
            tracker.process();
            long now = System.currentTimeMillis();
            List<Scope.OpenSocket> stillOpen = new ArrayList<>();
            for (TrackedSocket r : tracker.open.values()) {
                if (r.isReportedOpen() && window.holds(r.openedAtNanos)) {
                    stillOpen.add(new Scope.OpenSocket(r.id, Destinations.describe(r.remote), r.inbound, r.thread,
                            now - r.openedAtMillis, Leak.CallSiteRef.of(r.site)));
                }
            }
            Leaks leaks = tracker.leaks;
            return new Scope(window.fromNanos(), window.toNanos(), leaks.openedIn(window), stillOpen,
                    leaks.allKept());
        }
    }

    /** The destinations alone, cheaply (no snapshot): their ports in use. */
    public List<Snapshot.DestinationStats> destinations() {
        return tracker.budgetAlarms().destinationStats();
    }

    public StackWork stackWork() {
        synchronized (tracker) {
            return tracker.callSites.work();
        }
    }

    /** Leaks found so far; a leak found later has a higher sequence number. */
    public long leakSequence() {
        synchronized (tracker) {
            return tracker.leaks.sequence();
        }
    }

    /** The (local port, remote port) of each open socket, as {@link KernelTcpTable#portPair} keys. */
    public Set<Long> openPortPairs() {
        Set<Long> pairs = new HashSet<>();
        for (TrackedSocket r : tracker.open.values()) {
            if (r.remote != null) {
                pairs.add(KernelTcpTable.portPair(r.localPort, r.remote.getPort()));
            }
        }
        return pairs;
    }

    private static final class SiteOpen {
        static final SiteOpen NONE = new SiteOpen();
        int count;
        long oldest;
        final Set<String> remotes = new LinkedHashSet<>();
    }
}
