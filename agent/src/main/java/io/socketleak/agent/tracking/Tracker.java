package io.socketleak.agent.tracking;

import io.socketleak.agent.kernel.KernelTcpTable;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The registry of open sockets and the counts of what became of them.
 *
 * <p>Application threads call the event methods ({@link #opened}, {@link #closed}, ...): they only
 * store a record (with its call site when {@link CallSites} recognizes the stack, else with the raw
 * stack), bump striped counters and queue work, without locks. The tracker thread calls
 * {@link #process()}, which has {@link CallSites} resolve the new stacks and tells {@link Leaks}
 * of sockets collected without {@code close()} and of peers that closed. {@link Snapshots} answers
 * questions under the same monitor.
 */
public final class Tracker {

    /** Told about each leak as it is found, on the tracker thread. */
    public interface LeakListener {
        void leakFound(Leak leak, boolean firstAtCallSite);
    }

    private final TrackerSettings settings;
    /** The settings' {@code closeWaitAfter}, or what it was changed to at run time. */
    private volatile long closeWaitAfterNanos;
    private final Destinations destinations;
    private final BudgetAlarms budgetAlarms;
    final CallSites callSites;
    final Leaks leaks;
    private final Listeners listeners = new Listeners();
    private final Origins origins = new Origins();

    final ConcurrentHashMap<Object, TrackedSocket> open = new ConcurrentHashMap<>();
    /** Connections accepted by monitoring listeners (JMX clients, metric scrapes): not tracked, not counted. */
    private final ConcurrentHashMap<Object, Boolean> management = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> managementCollected = new ReferenceQueue<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final Queue<TrackedSocket> unresolved = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unresolvedCount = new AtomicInteger();
    private final Queue<TrackedSocket> endedByPeer = new ConcurrentLinkedQueue<>();

    // Each counted once, where the fact is known. The fields that Snapshots reads (under this
    // monitor) are package-private.
    /** Sockets tracked at a call site (not excluded): counted as their site is, so it only ever grows. */
    private final LongAdder tracked = new LongAdder();
    final LongAdder notStored = new LongAdder();
    final LongAdder excluded = new LongAdder();
    final Counts<CloseKind> closes = new Counts<>(CloseKind.class);
    /** Closes of sockets not seen open (opened before tracking began, or past the cap): counted apart. */
    final Counts<CloseKind> closesOfUnknown = new Counts<>(CloseKind.class);
    private final AtomicLong openNow = new AtomicLong();
    /** Numbers the sockets: a client asking twice knows them again by it. */
    private final AtomicLong ids = new AtomicLong();
    private final Counts<Exhaustion> exhaustions = new Counts<>(Exhaustion.class);
    volatile String lastExhaustion;

    /**
     * @param alarm run on an application thread when a destination's ports or the open sockets reach
     *              the level set through {@link #budgetAlarms()}, or a connect fails for lack of ports or
     *              descriptors: must only wake someone up
     */
    public Tracker(TrackerSettings settings, LeakListener listener, Runnable alarm) {
        this.settings = settings;
        this.closeWaitAfterNanos = settings.closeWaitAfter().toNanos();
        this.destinations = new Destinations(settings.timeWaitSeconds());
        this.budgetAlarms = new BudgetAlarms(alarm, destinations);
        this.callSites = new CallSites(settings.exclude());
        this.leaks = new Leaks(listener);
    }

    // ---- application threads ----------------------------------------------------------------

    /** A socket finished connecting ({@code inbound} false) or was accepted ({@code inbound} true). */
    public void opened(Object socket, InetSocketAddress remote, int localPort, boolean inbound) {
        opened(socket, remote, localPort, inbound, null);
    }

    /** A socket was accepted on {@code listener}: where the listener was opened may be the line to blame. */
    public void accepted(Object socket, InetSocketAddress remote, int localPort, Object listener) {
        if (listeners.isManagement(listener)) {
            // Remembered so that its close is not counted either, as a close of an unseen socket.
            management.put(new WeakIdentity(socket, managementCollected), Boolean.TRUE);
            return;
        }
        opened(socket, remote, localPort, true, listener);
    }

    @SuppressWarnings("ReferenceEquality") // the question is whether this very record was the one published
    private void opened(Object socket, InetSocketAddress remote, int localPort, boolean inbound, Object listener) {
        if (open.containsKey(new WeakIdentity.Probe(socket))) {
            return; // connect() then finishConnect() on one channel, one thread: tracked already
        }
        if (open.size() >= settings.maxTracked() || unresolvedCount.get() >= settings.maxTracked()) {
            notStored.increment();
            return;
        }
        Destination destination = inbound ? null : destinations.of(remote);
        long now = System.currentTimeMillis();
        Throwable cause = origins.causeOf(socket, listener);
        Throwable stack = new Throwable();
        StackKeys.Key known = callSites.recognize(stack, now);
        if (cause != null && (known == null || !known.alone)) {
            stack.initCause(cause); // a library's thread, say: where the application asked decides the site
            known = callSites.recognize(stack, now);
        }
        if (known != null || unresolvedCount.get() >= TrackerSettings.MAX_PENDING_STACKS) {
            // A stack seen before needs no resolving. A new one weighs a kilobyte or two until the
            // tracker thread resolves it: past a backlog, sockets are still tracked, call site unknown.
            stack = null;
        }
        TrackedSocket record = new TrackedSocket(ids.incrementAndGet(), socket, collected, remote, localPort,
                inbound, now, stack, destination);
        if (known != null) {
            // Set before it is published: never seen without a site.
            record.excluded = known.excluded;
            record.site = known.site;
        }
        if (open.computeIfAbsent(record, publish) != record) {
            return; // two threads at once on one socket: the other one tracks it
        }
        if (known == null) {
            unresolvedCount.incrementAndGet();
            unresolved.add(record);
        } else {
            callSites.countRecognized();
            if (known.excluded) {
                excluded.increment();
            } else if (record.closeKind != null) {
                countClose(record); // closed already, by another thread
            }
        }
        budgetAlarms.opened(openNow.incrementAndGet());
    }

    /** The application shut down its output: our FIN went out before any close. */
    public void outputShutdown(Object socket) {
        TrackedSocket record = open.get(new WeakIdentity.Probe(socket));
        if (record != null && record.outputShutdownAtNanos == 0) {
            record.outputShutdownAtNanos = System.nanoTime();
        }
    }

    /** A read returned end-of-stream: the peer has closed its side. */
    public void endOfStream(Object socket) {
        TrackedSocket record = open.get(new WeakIdentity.Probe(socket));
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
        TrackedSocket record = open.remove(new WeakIdentity.Probe(socket));
        if (record == null) {
            CloseKind kind = CloseClassifier.classify(closeFlags, 0, 0);
            if (management.isEmpty() || management.remove(new WeakIdentity.Probe(socket)) == null) {
                closesOfUnknown.increment(kind); // not a close of a socket seen opening: counted apart
            }
            return kind;
        }
        record.clear(); // its fate is known: the collector need not report it
        openNow.decrementAndGet();
        CloseKind kind = CloseClassifier.classify(closeFlags, record.endOfStreamAtNanos,
                record.outputShutdownAtNanos);
        boolean dropped = Cleaners.isCleaner(Thread.currentThread());
        Destination d = record.destination;
        if (d != null) { // ports are held whether the socket is excluded from leak tracking or not
            d.open.decrementAndGet();
            if (dropped) {
                d.collected.increment();
            } else {
                d.closes.increment(kind);
            }
            if (kind == CloseKind.ACTIVE) {
                d.timeWait.add(System.currentTimeMillis() / 1000);
                budgetAlarms.activeClose(d);
            }
        }
        if (record.excluded) {
            return kind;
        }
        record.closedAtMillis = System.currentTimeMillis();
        if (dropped) {
            record.claimCloseCount(); // not a close of the application's: no thread counts it as one
            record.closeKind = kind;
            leaks.cleanedUp(record);
            return kind;
        }
        record.closeKind = kind;
        if (record.site != null) {
            countClose(record);
        }
        return kind;
    }

    /** A connect, bind or accept failed because the kernel ran out of ports or descriptors. */
    public void exhausted(Exhaustion kind, String message) {
        exhaustions.increment(kind);
        lastExhaustion = message;
        budgetAlarms.refused();
    }

    // ---- tracker thread ---------------------------------------------------------------------

    /** Resolves new stacks, collects leaks. Cheap when there is nothing to do. */
    public synchronized void process() {
        long now = System.currentTimeMillis();
        callSites.dropIdle(now);
        listeners.dropCollected();
        origins.dropCollected();
        Reference<?> gone;
        while ((gone = managementCollected.poll()) != null) {
            management.remove(gone);
        }
        TrackedSocket record;
        while ((record = unresolved.poll()) != null) {
            unresolvedCount.decrementAndGet();
            resolve(record);
        }
        while ((gone = collected.poll()) != null) {
            TrackedSocket lost = (TrackedSocket) gone;
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
                    leaks.collected(lost, now);
                }
            }
        }
        while ((record = endedByPeer.poll()) != null) {
            leaks.peerClosed(record);
        }
        leaks.collectCleanedUp(now);
        leaks.findCloseWaits(closeWaitAfterNanos, now);
    }

    /**
     * The kernel shows these connections ({@link KernelTcpTable#portPair} keys) in CLOSE_WAIT: the peer has closed
     * even if the application never read the end of stream. From now they are watched like any
     * socket whose end of stream was read.
     */
    public synchronized void peerClosedPerKernel(Set<Long> closeWaitPorts) {
        leaks.peerClosedPerKernel(open.values(), closeWaitPorts);
    }

    private void resolve(TrackedSocket record) {
        Throwable stack = record.stack;
        record.stack = null;
        if (stack == null) {
            attach(record, callSites.uncaptured());
            return;
        }
        CallSite site = callSites.resolve(stack, record.openedAtMillis, record.thread, record.inbound);
        if (callSites.isExcluded(site)) {
            record.excluded = true; // before the site: a close that sees the site sees this
            excluded.increment();
            record.site = site;
        } else {
            attach(record, site);
        }
    }

    /** Counts the socket at its site and publishes the site: from here on a close counts itself. */
    private void attach(TrackedSocket record, CallSite site) {
        site.opened.increment();
        tracked.increment();
        record.site = site;
        if (record.closeKind != null) {
            countClose(record);
        }
    }

    /**
     * Counts a socket opened as it is published, and only then: a snapshot that sees it open sees it
     * opened, a close cannot come first, and no count is ever taken back. (A class, not a lambda: a
     * short-lived JVM would pay for linking it.)
     */
    private final class Publish implements java.util.function.Function<Object, TrackedSocket> {
        @Override
        public TrackedSocket apply(Object key) {
            TrackedSocket record = (TrackedSocket) key;
            if (record.site != null && !record.excluded) {
                record.site.opened.increment();
                tracked.increment();
            }
            Destination d = record.destination;
            if (d != null) {
                d.opened.increment();
                d.open.incrementAndGet();
            }
            return record;
        }
    }

    private final Publish publish = new Publish();

    /** Counts a close, at its call site and destination too, exactly once whichever thread gets here. */
    private void countClose(TrackedSocket record) {
        if (!record.claimCloseCount() || record.excluded) {
            return;
        }
        CloseKind kind = record.closeKind;
        closes.increment(kind);
        record.site.closes.increment(kind);
        if (record.destination != null && kind == CloseKind.ACTIVE) {
            record.destination.activeCloseAt(record.site);
        }
    }

    /** From now on, a socket whose peer closed is a leak once it stays open this long. */
    public void closeWaitAfter(java.time.Duration after) {
        closeWaitAfterNanos = after.toNanos();
    }

    /** Where sockets that libraries open on their own threads were asked for. */
    public Origins origins() {
        return origins;
    }

    /** Sockets that listen: counted, never leaks. */
    public Listeners listeners() {
        return listeners;
    }

    public BudgetAlarms budgetAlarms() {
        return budgetAlarms;
    }

    /**
     * Sockets tracked since start: seen open, stored, at a call site that is not excluded. It only ever
     * grows (a scraper's counter); read after the open sockets are counted, it is at least their number
     * and the closes'.
     */
    long openedSoFar() {
        return tracked.sum();
    }

    /** Sockets stored and open now, as counted on the hot path (excluded ones too): for the descriptor alarm. */
    public long openNow() {
        return openNow.get();
    }

    public long exhaustions(Exhaustion kind) {
        return exhaustions.get(kind);
    }
}
