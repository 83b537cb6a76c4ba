package io.socketleak.agent.tracking;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The registry of open sockets and the bookkeeping of what became of them.
 *
 * <p>Application threads call the event methods ({@link #opened}, {@link #closed}, ...): they only
 * store a record (with its call site when {@link StackKeys} knows the stack, else with the raw
 * stack), bump striped counters and queue work, without locks. The tracker thread calls
 * {@link #process()}, which turns new raw stacks into interned call sites, finds sockets
 * that were collected without {@code close()} and sockets left in CLOSE_WAIT, and tells the
 * {@link LeakListener}. Snapshots are taken under the same monitor as {@code process()}.
 */
public final class Tracker {

    /** Told about each leak as it is found, on the tracker thread. */
    public interface LeakListener {
        void leakFound(Leak leak, boolean firstAtCallSite);
    }

    private final TrackerSettings settings;
    private final LeakListener listener;
    private final Runnable alarm;
    private final Destinations destinations;
    private final StackKeys stackKeys = StackKeys.forThisJvm();

    private final ConcurrentHashMap<Object, TrackedSocket> open = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final Queue<TrackedSocket> unresolved = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unresolvedCount = new AtomicInteger();
    private final Queue<TrackedSocket> endedByPeer = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<Object, TrackedSocket> listeners = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> listenersCollected = new ReferenceQueue<>();

    private final LongAdder opened = new LongAdder();
    private final LongAdder[] closes = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder notStored = new LongAdder();
    private final LongAdder stacksResolved = new LongAdder();
    private final LongAdder stacksRecognized = new LongAdder();
    private final LongAdder closesOfUnknown = new LongAdder();
    private final AtomicLong openNow = new AtomicLong();
    /** Open sockets at which an open raises the alarm (the fd budget), set by the budget's owner. */
    private volatile long openAlarmAt = Long.MAX_VALUE;
    private final LongAdder[] exhaustions = {new LongAdder(), new LongAdder()};
    private volatile String lastExhaustion;

    // Owned by the tracker thread (guarded by this).
    private final Map<List<StackTraceElement>, CallSite> callSites = new HashMap<>();
    private final Map<String, LeakTally> leaks = new LinkedHashMap<>();
    /** Sockets whose peer closed, oldest end-of-stream first, until they close or are due as leaks. */
    private final ArrayDeque<TrackedSocket> awaitingClose = new ArrayDeque<>();
    private CallSite otherCallSites;
    private CallSite excludedSite;
    private CallSite uncapturedSite;
    private final LongAdder excluded = new LongAdder();
    private long collectedUnclosed;
    private long closeWaitLeaks;
    private long leakSequence;
    /** The latest leaks one by one, for questions about a scope ("what leaked since the test began"). */
    private final ArrayDeque<Scope.LeakEvent> recentLeaks = new ArrayDeque<>();
    private long droppedLeakEvents;

    public Tracker(TrackerSettings settings, LeakListener listener) {
        this(settings, listener, new Runnable() {
            @Override
            public void run() {
            }
        });
    }

    // Close counts are kept by kind, in arrays indexed by the kind's ordinal.
    private static final int ACTIVE = CloseKind.ACTIVE.ordinal();
    private static final int PASSIVE = CloseKind.PASSIVE.ordinal();
    private static final int ABORTIVE = CloseKind.ABORTIVE.ordinal();

    // Comparators and factories as classes, not lambdas: a short-lived JVM would pay for linking each.
    private static final Comparator<Snapshot.CallSiteStats> MOST_OPEN_FIRST = new Comparator<>() {
        @Override
        public int compare(Snapshot.CallSiteStats a, Snapshot.CallSiteStats b) {
            int byOpen = Integer.compare(b.open(), a.open());
            return byOpen != 0 ? byOpen : Long.compare(b.opened(), a.opened());
        }
    };
    private static final java.util.function.Function<CallSite, LongAdder> NEW_ADDER = new java.util.function.Function<>() {
        @Override
        public LongAdder apply(CallSite site) {
            return new LongAdder();
        }
    };

    /**
     * @param alarm run on an application thread when a destination's ports or the open sockets reach
     *              the level set by {@link #alarmAt}/{@link #openAlarmAt}, or a connect fails for lack of
     *              ports or descriptors: must only wake someone up
     */
    public Tracker(TrackerSettings settings, LeakListener listener, Runnable alarm) {
        this.settings = settings;
        this.listener = listener;
        this.alarm = alarm;
        this.destinations = new Destinations(settings.timeWaitSeconds());
    }

    // ---- application threads ----------------------------------------------------------------

    /** A socket finished connecting ({@code inbound} false) or was accepted ({@code inbound} true). */
    public void opened(Object socket, InetSocketAddress remote, int localPort, boolean inbound) {
        opened.increment();
        if (open.size() >= settings.maxTracked() || unresolvedCount.get() >= settings.maxTracked()) {
            notStored.increment();
            return;
        }
        Destination destination = inbound ? null : destinations.of(remote);
        long now = System.currentTimeMillis();
        Throwable stack = new Throwable();
        StackKeys.Key known = stackKeys.find(stack, now);
        if (known != null || unresolvedCount.get() >= TrackerSettings.MAX_PENDING_STACKS) {
            // A stack seen before needs no resolving. A new one weighs a kilobyte or two until the
            // tracker thread resolves it: past a backlog, sockets are still tracked, call site unknown.
            stack = null;
        }
        TrackedSocket record = new TrackedSocket(socket, collected, remote, localPort, inbound, now, stack,
                destination);
        boolean countedAtSite = known != null && !known.excluded;
        if (known != null) {
            record.excluded = known.excluded;
            record.site = known.site;
            if (countedAtSite) {
                known.site.opened.increment(); // before a close of it can count at the site
            }
        }
        if (open.putIfAbsent(record, record) != null) {
            opened.decrement(); // already known: connect() and then finishConnect() on one channel
            if (countedAtSite) {
                known.site.opened.decrement();
            }
            return;
        }
        if (destination != null) {
            destination.opened.increment();
            destination.open.incrementAndGet();
        }
        if (known == null) {
            unresolvedCount.incrementAndGet();
            unresolved.add(record);
        } else {
            stacksRecognized.increment();
            if (known.excluded) {
                opened.decrement();
                excluded.increment();
            }
        }
        if (openNow.incrementAndGet() >= openAlarmAt) {
            alarm.run();
        }
    }

    /** The application shut down its output: our FIN went out before any close. */
    public void outputShutdown(Object socket) {
        TrackedSocket record = open.get(new TrackedSocket.Probe(socket));
        if (record != null && record.outputShutdownAtNanos == 0) {
            record.outputShutdownAtNanos = System.nanoTime();
        }
    }

    /** A read returned end-of-stream: the peer has closed its side. */
    public void endOfStream(Object socket) {
        TrackedSocket record = open.get(new TrackedSocket.Probe(socket));
        if (record != null && record.endOfStreamAtNanos == 0) {
            record.endOfStreamAtNanos = System.nanoTime();
            endedByPeer.add(record);
        }
    }

    /**
     * The application's first {@code close()} of a connected socket, with what the socket's state
     * said at that moment ({@link CloseClassifier} flags).
     *
     * @return how the close ended the connection
     */
    public CloseKind closed(Object socket, int closeFlags) {
        TrackedSocket record = open.remove(new TrackedSocket.Probe(socket));
        if (record == null) {
            CloseKind kind = CloseClassifier.classify(closeFlags, 0, 0);
            closesOfUnknown.increment();
            closes[kind.ordinal()].increment();
            return kind;
        }
        record.clear(); // its fate is known: the collector need not report it
        openNow.decrementAndGet();
        CloseKind kind = CloseClassifier.classify(closeFlags, record.endOfStreamAtNanos,
                record.outputShutdownAtNanos);
        Destination d = record.destination;
        if (d != null) { // ports are held whether the socket is excluded from leak tracking or not
            d.open.decrementAndGet();
            d.closes.incrementAndGet(kind.ordinal());
            if (kind == CloseKind.ACTIVE) {
                d.timeWait.add(System.currentTimeMillis() / 1000);
                if (d.portsInUseUpperBound() >= d.alarmAt) {
                    alarm.run();
                }
            }
        }
        if (record.excluded) {
            return kind;
        }
        closes[kind.ordinal()].increment();
        record.closedAtMillis = System.currentTimeMillis();
        record.closeKind = kind;
        if (record.site != null) {
            countClose(record);
        }
        return kind;
    }

    /** A socket started listening. Listeners are counted, never leaks. */
    public void listening(Object socket) {
        TrackedSocket record = new TrackedSocket(socket, listenersCollected, null, 0, true,
                System.currentTimeMillis(), null, null);
        listeners.putIfAbsent(record, record);
    }

    /** Returns whether the socket was a listener (and forgets it). */
    public boolean listenerClosed(Object socket) {
        TrackedSocket record = listeners.remove(new TrackedSocket.Probe(socket));
        if (record != null) {
            record.clear();
        }
        return record != null;
    }

    // ---- tracker thread ---------------------------------------------------------------------

    /** Resolves new stacks, collects leaks. Cheap when there is nothing to do. */
    public synchronized void process() {
        long now = System.currentTimeMillis();
        stackKeys.dropIdle(now);
        Reference<?> gone;
        while ((gone = listenersCollected.poll()) != null) {
            listeners.remove(gone, gone);
        }
        TrackedSocket record;
        while ((record = unresolved.poll()) != null) {
            unresolvedCount.decrementAndGet();
            resolve(record);
        }
        Reference<?> ref;
        while ((ref = collected.poll()) != null) {
            TrackedSocket lost = (TrackedSocket) ref;
            if (open.remove(lost, lost)) {
                if (lost.site == null) {
                    resolve(lost);
                }
                openNow.decrementAndGet();
                Destination d = lost.destination;
                if (d != null) {
                    d.open.decrementAndGet();
                    d.collected.increment();
                    if (lost.endOfStreamAtNanos == 0) {
                        d.timeWait.add(now / 1000); // the JDK's cleaner closes it: our FIN goes first
                    }
                }
                if (!lost.excluded) {
                    collectedUnclosed++;
                    lost.site.collected++;
                    leakFound(LeakKind.COLLECTED, lost, now);
                }
            }
        }
        while ((record = endedByPeer.poll()) != null) {
            awaitingClose.add(record);
        }
        long closeWaitNanos = settings.closeWaitAfter().toNanos();
        long nowNanos = System.nanoTime();
        // Oldest first: stop at the first socket that is still open and not yet due.
        while ((record = awaitingClose.peekFirst()) != null) {
            boolean settled = !record.isOpen() || record.excluded || record.outputShutdownAtNanos != 0
                    || record.refersTo(null);
            if (!settled && nowNanos - record.endOfStreamAtNanos < closeWaitNanos) {
                break;
            }
            awaitingClose.pollFirst();
            if (!settled) {
                closeWaitLeaks++;
                record.site.closeWait++;
                leakFound(LeakKind.CLOSE_WAIT, record, now);
            }
        }
    }

    private void resolve(TrackedSocket record) {
        Throwable stack = record.stack;
        record.stack = null;
        if (stack == null) {
            record.site = uncapturedSite();
            uncapturedSite.opened.increment();
            if (record.closeKind != null) {
                countClose(record);
            }
            return;
        }
        stacksResolved.increment();
        StackTraceElement[] frames = stack.getStackTrace();
        if (Frames.matchesAny(frames, settings.exclude())) {
            record.excluded = true;
            excluded.increment();
            opened.decrement();
            CloseKind kind = record.closeKind;
            if (kind != null && record.claimCloseCount()) {
                closes[kind.ordinal()].decrement();
            }
            record.site = excludedSite();
            stackKeys.remember(stack, record.site, true, record.openedAtMillis);
            return;
        }
        CallSite site = intern(Frames.callSite(frames));
        stackKeys.remember(stack, site, false, record.openedAtMillis);
        site.opened.increment();
        record.site = site; // publishes: from here a close counts itself
        if (record.closeKind != null) {
            countClose(record);
        }
    }

    /** Adds a close to its call site and destination, exactly once whichever thread gets here. */
    private void countClose(TrackedSocket record) {
        if (!record.claimCloseCount() || record.excluded) {
            return;
        }
        CloseKind kind = record.closeKind;
        record.site.closes.incrementAndGet(kind.ordinal());
        Destination d = record.destination;
        if (d != null && kind == CloseKind.ACTIVE) {
            LongAdder bySite = d.activeClosesBySite.get(record.site);
            if (bySite == null) {
                bySite = d.activeClosesBySite.computeIfAbsent(record.site, NEW_ADDER);
            }
            bySite.increment();
        }
    }

    private CallSite intern(StackTraceElement[] frames) {
        List<StackTraceElement> key = Arrays.asList(frames);
        CallSite site = callSites.get(key);
        if (site == null) {
            if (callSites.size() >= TrackerSettings.MAX_CALL_SITES) {
                if (otherCallSites == null) {
                    otherCallSites = new CallSite(0, new StackTraceElement[] {
                        new StackTraceElement("(other call sites)", "", null, -1)});
                }
                return otherCallSites;
            }
            site = new CallSite(callSites.size() + 1, frames);
            callSites.put(key, site);
        }
        return site;
    }

    private CallSite uncapturedSite() {
        if (uncapturedSite == null) {
            uncapturedSite = new CallSite(-2, new StackTraceElement[] {
                new StackTraceElement("(stack not captured: the agent was behind)", "", null, -1)});
        }
        return uncapturedSite;
    }

    private CallSite excludedSite() {
        if (excludedSite == null) {
            excludedSite = new CallSite(-1, new StackTraceElement[0]);
        }
        return excludedSite;
    }

    private void leakFound(LeakKind kind, TrackedSocket record, long now) {
        long sequence = ++leakSequence;
        String key = kind.name() + "@" + record.site.id();
        LeakTally tally = leaks.get(key);
        boolean first = tally == null;
        if (first) {
            tally = new LeakTally(kind, record.site, sequence);
            leaks.put(key, tally);
        }
        tally.count++;
        tally.lastSeen = sequence;
        tally.remote = describe(record.remote);
        tally.ageMillis = Math.max(0, now - record.openedAtMillis);
        tally.thread = record.thread;
        if (recentLeaks.size() >= Scope.MAX_EVENTS) {
            recentLeaks.pollFirst();
            droppedLeakEvents++;
        }
        recentLeaks.add(new Scope.LeakEvent(sequence, kind, record.openedAtNanos, tally.remote, record.inbound,
                tally.ageMillis, record.thread, Leak.CallSiteRef.of(record.site)));
        listener.leakFound(tally.toLeak(), first);
    }

    // ---- snapshots --------------------------------------------------------------------------

    /** Sockets still open, as leaks of kind {@link LeakKind#OPEN_AT_EXIT}, one entry per call site. */
    public synchronized List<Leak> stillOpen() {
        process();
        long now = System.currentTimeMillis();
        Map<CallSite, LeakTally> bySite = new LinkedHashMap<>();
        for (TrackedSocket r : open.values()) {
            if (!r.isReportedOpen()) {
                continue;
            }
            LeakTally tally = bySite.get(r.site);
            if (tally == null) {
                tally = new LeakTally(LeakKind.OPEN_AT_EXIT, r.site, 0);
                bySite.put(r.site, tally);
            }
            tally.count++;
            long age = now - r.openedAtMillis;
            if (age >= tally.ageMillis) {
                tally.ageMillis = age;
                tally.remote = describe(r.remote);
                tally.thread = r.thread;
            }
        }
        List<Leak> result = new ArrayList<>();
        for (LeakTally tally : bySite.values()) {
            result.add(tally.toLeak());
        }
        return result;
    }

    public synchronized Snapshot snapshot() {
        process();
        long now = System.currentTimeMillis();
        Map<CallSite, SiteOpen> openBySite = new HashMap<>();
        long stored = 0;
        for (TrackedSocket r : open.values()) {
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
            if (s.remotes.size() < 5) {
                s.remotes.add(describe(r.remote));
            }
        }
        long notStoredOpen = Math.max(0, notStored.sum() - closesOfUnknown.sum());

        List<Snapshot.CallSiteStats> sites = new ArrayList<>();
        List<CallSite> all = new ArrayList<>(callSites.values());
        if (otherCallSites != null) {
            all.add(otherCallSites);
        }
        if (uncapturedSite != null) {
            all.add(uncapturedSite);
        }
        for (CallSite site : all) {
            SiteOpen s = openBySite.getOrDefault(site, SiteOpen.NONE);
            sites.add(new Snapshot.CallSiteStats(site.id(), site.blame(), site.frames(), s.count,
                    site.opened.sum(), site.closes.get(ACTIVE), site.closes.get(PASSIVE), site.closes.get(ABORTIVE), site.collected,
                    site.closeWait, s.oldest, List.copyOf(s.remotes)));
        }
        sites.sort(MOST_OPEN_FIRST);

        List<Snapshot.DestinationStats> dests = destinationStats();

        List<Leak> leakList = new ArrayList<>();
        for (LeakTally tally : leaks.values()) {
            leakList.add(tally.toLeak());
        }
        long active = closes[ACTIVE].sum();
        long passive = closes[PASSIVE].sum();
        long abortive = closes[ABORTIVE].sum();
        Snapshot.Counters counters = new Snapshot.Counters(opened.sum(), active + passive + abortive, active,
                passive, abortive, collectedUnclosed, closeWaitLeaks, notStored.sum(), excluded.sum());
        return new Snapshot(stored + notStoredOpen, notStoredOpen, listeners.size(), counters, sites, leakList,
                dests, new Snapshot.Exhaustions(exhaustions[Exhaustion.PORTS.ordinal()].sum(),
                exhaustions[Exhaustion.FILE_DESCRIPTORS.ordinal()].sum(), lastExhaustion));
    }

    /** Destinations alone, cheaply: for watching port budgets between reports. */
    public List<Snapshot.DestinationStats> destinationStats() {
        return destinations.stats(System.currentTimeMillis() / 1000);
    }

    /** From now on, a close to this destination that brings its ports in use to this level raises the alarm. */
    public void alarmAt(InetSocketAddress remote, int portsInUse) {
        destinations.alarmAt(remote, portsInUse);
    }

    /** From now on, an open that brings the open sockets to this level raises the alarm. */
    public void openAlarmAt(long openSockets) {
        openAlarmAt = openSockets;
    }

    /**
     * How allocation stacks became call sites.
     *
     * @param resolved    stacks turned into frames on the tracker thread
     * @param recognized  stacks found to be one seen before, on the application thread: nothing to resolve
     * @param notCaptured sockets opened while the tracker thread was too far behind to take their stack
     */
    public record StackWork(long resolved, long recognized, long notCaptured) {
    }

    public synchronized StackWork stackWork() {
        CallSite uncaptured = uncapturedSite;
        return new StackWork(stacksResolved.sum(), stacksRecognized.sum(),
                uncaptured == null ? 0 : uncaptured.opened.sum());
    }

    /** Sockets opened since start, without taking a snapshot. */
    public long openedSoFar() {
        return opened.sum();
    }

    /** Active closes since start, without taking a snapshot. */
    public long activeClosesSoFar() {
        return closes[ACTIVE].sum();
    }

    /** Sockets open now, as counted on the hot path (stored or not). */
    public long openNow() {
        return openNow.get();
    }

    /** A connect, bind or accept failed because the kernel ran out of ports or descriptors. */
    public void exhausted(Exhaustion kind, String message) {
        exhaustions[kind.ordinal()].increment();
        lastExhaustion = message;
        alarm.run();
    }

    public long exhaustions(Exhaustion kind) {
        return exhaustions[kind.ordinal()].sum();
    }

    /**
     * The kernel shows these connections (local port, remote port) in CLOSE_WAIT: the peer has closed
     * even if the application never read the end of stream. From now they are watched like any
     * socket whose end of stream was read.
     */
    public synchronized void peerClosedPerKernel(java.util.Set<Long> closeWaitPorts) {
        if (closeWaitPorts.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (TrackedSocket r : open.values()) {
            if (r.endOfStreamAtNanos == 0 && r.outputShutdownAtNanos == 0 && r.remote != null
                    && closeWaitPorts.contains(portPair(r.localPort, r.remote.getPort()))) {
                r.endOfStreamAtNanos = now;
                awaitingClose.add(r);
            }
        }
    }

    /** The (local port, remote port) of each open socket, as {@link #portPair} keys. */
    public Set<Long> openPortPairs() {
        Set<Long> pairs = new java.util.HashSet<>();
        for (TrackedSocket r : open.values()) {
            if (r.remote != null) {
                pairs.add(portPair(r.localPort, r.remote.getPort()));
            }
        }
        return pairs;
    }

    /** The key {@link #peerClosedPerKernel} expects for a connection. */
    public static long portPair(int localPort, int remotePort) {
        return ((long) localPort << 16) | remotePort;
    }

    /**
     * Sockets opened at or after {@code markNanos} (a {@code System.nanoTime()} of this JVM): those
     * that leaked, and those still open.
     */
    public synchronized Scope since(long markNanos) {
        process();
        long now = System.currentTimeMillis();
        List<Scope.LeakEvent> leaked = new ArrayList<>();
        for (Scope.LeakEvent event : recentLeaks) {
            if (event.openedAtNanos() - markNanos >= 0) {
                leaked.add(event);
            }
        }
        List<Scope.OpenSocket> stillOpen = new ArrayList<>();
        for (TrackedSocket r : open.values()) {
            if (r.isReportedOpen() && r.openedAtNanos - markNanos >= 0) {
                stillOpen.add(new Scope.OpenSocket(describe(r.remote), r.inbound, r.thread,
                        now - r.openedAtMillis, Leak.CallSiteRef.of(r.site)));
            }
        }
        return new Scope(markNanos, leaked, stillOpen, droppedLeakEvents == 0);
    }

    /** Leaks found so far; a leak found later has a higher sequence number. */
    public synchronized long leakSequence() {
        return leakSequence;
    }

    static String describe(InetSocketAddress address) {
        if (address == null) {
            return "?";
        }
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static final class SiteOpen {
        static final SiteOpen NONE = new SiteOpen();
        int count;
        long oldest;
        final Set<String> remotes = new LinkedHashSet<>();
    }

    private static final class LeakTally {
        final LeakKind kind;
        final CallSite site;
        final long firstSeen;
        long lastSeen;
        long count;
        String remote;
        long ageMillis;
        String thread;

        LeakTally(LeakKind kind, CallSite site, long firstSeen) {
            this.kind = kind;
            this.site = site;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }

        Leak toLeak() {
            return new Leak(kind, remote, ageMillis, thread, Leak.CallSiteRef.of(site), count, firstSeen, lastSeen);
        }
    }
}
