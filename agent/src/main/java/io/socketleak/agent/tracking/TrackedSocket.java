package io.socketleak.agent.tracking;

import java.lang.ref.ReferenceQueue;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * What the agent remembers of one open socket. Refers to the socket only weakly, so tracking never
 * keeps a socket alive; when the socket is collected without {@code close()}, this record turns up
 * on the registry's reference queue and becomes a leak.
 *
 * <p>Fields written on application threads are volatile; the rest belongs to the tracker thread.
 */
final class TrackedSocket extends WeakIdentity {
    /** The socket's number, unique in this JVM and growing in the order they were opened; 0 for a listener. */
    final long id;
    final InetSocketAddress remote;
    final int localPort;
    final boolean inbound;
    final long openedAtMillis;
    /** {@code System.nanoTime()} at open: places the socket before or after a scope's mark. */
    final long openedAtNanos;
    final String thread;

    /** The allocation stack, until the tracker turns it into a call site. */
    volatile Throwable stack;
    /** {@code System.nanoTime()} of the first end-of-stream read, or 0: orders it against the shutdown. */
    volatile long endOfStreamAtNanos;
    volatile long outputShutdownAtNanos;
    volatile CloseKind closeKind;
    volatile long closedAtMillis;

    /**
     * Set with the record when its stack was recognized, else once by the tracker thread when it
     * resolves the stack; a close that sees it can count itself.
     */
    volatile CallSite site;
    /** Where an outbound socket goes, or null (accepted sockets, and sockets past the cap). */
    final Destination destination;
    volatile boolean excluded;
    /** Found a CLOSE_WAIT leak already (tracker thread): at exit it is not counted again as still open. */
    boolean closeWaitLeak;
    private volatile int closeCounted;

    private static final AtomicIntegerFieldUpdater<TrackedSocket> CLOSE_COUNTED =
            AtomicIntegerFieldUpdater.newUpdater(TrackedSocket.class, "closeCounted");

    TrackedSocket(long id, Object socket, ReferenceQueue<Object> queue, InetSocketAddress remote, int localPort,
                  boolean inbound, long now, Throwable stack, Destination destination) {
        super(socket, queue);
        this.id = id;
        this.destination = destination;
        this.remote = remote;
        this.localPort = localPort;
        this.inbound = inbound;
        this.openedAtMillis = now;
        this.openedAtNanos = System.nanoTime();
        this.thread = Thread.currentThread().getName();
        this.stack = stack;
    }

    boolean isOpen() {
        return closeKind == null;
    }

    /** Open, and counted at a call site the reports show: not excluded, its stack resolved. */
    boolean isReportedOpen() {
        return !excluded && site != null && isOpen();
    }

    /** True for exactly one caller: the close is counted by whoever sees both it and the call site. */
    boolean claimCloseCount() {
        return closeCounted == 0 && CLOSE_COUNTED.compareAndSet(this, 0, 1); // a read first: no CAS once counted
    }
}
