package io.socketleak.agent.tracking;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The remote endpoints this JVM connects to, bounded: past the cap, new ones share one entry. */
final class Destinations {
    static final int TOP_CALL_SITES = 3;

    private final ConcurrentHashMap<InetSocketAddress, Destination> byRemote = new ConcurrentHashMap<>();
    private final int timeWaitSeconds;
    private final Destination other;

    Destinations(int timeWaitSeconds) {
        this.timeWaitSeconds = timeWaitSeconds;
        this.other = new Destination(InetSocketAddress.createUnresolved("(other destinations)", 0), timeWaitSeconds);
    }

    Destination of(InetSocketAddress remote) {
        if (remote == null) {
            return null;
        }
        Destination d = byRemote.get(remote);
        if (d != null) {
            return d;
        }
        if (byRemote.size() >= TrackerSettings.MAX_DESTINATIONS) {
            return other;
        }
        Destination added = new Destination(remote, timeWaitSeconds);
        Destination raced = byRemote.putIfAbsent(remote, added);
        return raced != null ? raced : added;
    }

    Destination find(InetSocketAddress remote) {
        return byRemote.get(remote);
    }

    // Classes, not lambdas: a short-lived JVM would pay for linking each.
    private static final Comparator<Map.Entry<CallSite, LongAdder>> MOST_CLOSES_FIRST = new Comparator<>() {
        @Override
        public int compare(Map.Entry<CallSite, LongAdder> a, Map.Entry<CallSite, LongAdder> b) {
            return Long.compare(b.getValue().sum(), a.getValue().sum());
        }
    };
    private static final Comparator<Snapshot.DestinationStats> MOST_TIME_WAIT_FIRST = new Comparator<>() {
        @Override
        public int compare(Snapshot.DestinationStats a, Snapshot.DestinationStats b) {
            int byTimeWait = Long.compare(b.timeWait(), a.timeWait());
            return byTimeWait != 0 ? byTimeWait : Integer.compare(b.open(), a.open());
        }
    };

    /** Every destination with its TIME_WAIT estimate at {@code nowMillis}. */
    List<Snapshot.DestinationStats> stats(long nowMillis) {
        long nowSecond = nowMillis / 1000;
        List<Destination> all = new ArrayList<>(byRemote.values());
        if (other.opened.sum() > 0) {
            all.add(other);
        }
        List<Snapshot.DestinationStats> stats = new ArrayList<>(all.size());
        for (Destination d : all) {
            long timeWait = d.timeWait.count(nowSecond, timeWaitSeconds);
            long young = d.timeWait.count(nowSecond, Snapshot.REUSE_AGE_SECONDS);
            List<Map.Entry<CallSite, LongAdder>> sites = new ArrayList<>(d.activeClosesBySite.entrySet());
            sites.sort(MOST_CLOSES_FIRST);
            List<Snapshot.SiteCount> top = new ArrayList<>();
            for (Map.Entry<CallSite, LongAdder> e : sites.subList(0, Math.min(TOP_CALL_SITES, sites.size()))) {
                top.add(new Snapshot.SiteCount(e.getKey().blame(), e.getValue().sum()));
            }
            // Closes and collected first, then open, then opened: opened >= the rest at every moment.
            long active = d.closes.get(CloseKind.ACTIVE);
            long passive = d.closes.get(CloseKind.PASSIVE);
            long abortive = d.closes.get(CloseKind.ABORTIVE);
            long collected = d.collected.sum();
            int open = Math.max(0, d.open.get());
            stats.add(new Snapshot.DestinationStats(describe(d.remote), d.remote, open, d.opened.sum(), active,
                    passive, abortive, collected, timeWait, young, d.timeWait.count(nowSecond, Snapshot.RATE_SECONDS),
                    rateWindowMillis(d.timeWait.firstSecondWithin(nowSecond, Snapshot.RATE_SECONDS), nowMillis), top));
        }
        stats.sort(MOST_TIME_WAIT_FIRST);
        return stats;
    }

    /**
     * The time the recent closes were spread over: since the second of the first of them, at least a
     * second and at most {@link Snapshot#RATE_SECONDS}. A burst that began 0.2 s ago is a rate over a
     * second, not one diluted over ten.
     */
    static long rateWindowMillis(long firstSecond, long nowMillis) {
        long since = firstSecond < 0 ? Long.MAX_VALUE : nowMillis - firstSecond * 1000;
        return Math.max(1000, Math.min(Snapshot.RATE_SECONDS * 1000L, since));
    }

    /** Sets the ports-in-use level at which closes to this destination raise the alarm. */
    void alarmAt(InetSocketAddress remote, int portsInUse) {
        Destination d = byRemote.get(remote);
        if (d != null) {
            d.alarmAt = portsInUse;
        }
    }

    /** An address as the reports show it: {@code ip:port}, {@code [ipv6]:port}, {@code ?} for none. */
    static String describe(InetSocketAddress address) {
        if (address == null) {
            return "?";
        }
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
