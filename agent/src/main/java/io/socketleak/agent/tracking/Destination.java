package io.socketleak.agent.tracking;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * One remote endpoint this JVM connects to: its connections, how they ended, and the closes whose
 * TIME_WAIT still holds one of its local ports. Updated on application threads without a shared lock.
 */
final class Destination {
    final InetSocketAddress remote;
    final LongAdder opened = new LongAdder();
    final AtomicInteger open = new AtomicInteger();
    final Counts<CloseKind> closes = new Counts<>(CloseKind.class);
    final LongAdder collected = new LongAdder();
    final TimeWaitWindow timeWait;
    /** Active closes per call site, to name the code that churns this destination. */
    final ConcurrentHashMap<CallSite, LongAdder> activeClosesBySite = new ConcurrentHashMap<>();
    /**
     * Ports in use (open + TIME_WAIT) at which the tracker raises its alarm, set by whoever owns
     * the port budget; {@code Integer.MAX_VALUE} until then.
     */
    volatile int alarmAt = Integer.MAX_VALUE;

    Destination(InetSocketAddress remote, int timeWaitSeconds) {
        this.remote = remote;
        this.timeWait = new TimeWaitWindow(timeWaitSeconds);
    }

    /** Ports held now, over-estimated cheaply: for deciding whether to look closer. */
    long portsInUseUpperBound() {
        return open.get() + timeWait.upperBound();
    }

    /** An active close to here by code at this call site. */
    void activeCloseAt(CallSite site) {
        LongAdder bySite = activeClosesBySite.get(site);
        if (bySite == null) {
            bySite = activeClosesBySite.computeIfAbsent(site, NEW_ADDER);
        }
        bySite.increment();
    }

    // A class, not a lambda: a short-lived JVM would pay for linking it.
    private static final Function<CallSite, LongAdder> NEW_ADDER = new Function<>() {
        @Override
        public LongAdder apply(CallSite site) {
            return new LongAdder();
        }
    };
}
