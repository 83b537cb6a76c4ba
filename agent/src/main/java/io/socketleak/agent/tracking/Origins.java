package io.socketleak.agent.tracking;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Carries the stack of the thread that asked for a socket to the thread that opens it, when a library
 * hands the work off (a call enqueued, a connect planned, a pool's connection maker, a channel made
 * non-blocking that a selector's thread will connect).
 *
 * <p>The stack is taken where the work is handed off and kept, weakly keyed by the work object, until
 * that object is collected, or until it starts when it runs only once: a carried stack is released
 * with its work. While a thread runs the work,
 * the stack is its cause: a socket opened then gets the stack as the cause of its own, and a further
 * hand-off from there keeps pointing at it. So a chain is at most the opening stack, the stack of the
 * nearest hand-off and the first one (where the application asked).
 */
public final class Origins {
    /** Work handed off and not yet collected, at most: beyond, new hand-offs go uncarried. */
    static final int MAX_HANDED_OFF = 4096;
    /** Nested runs of handed-off work on one thread that are told apart; deeper ones carry the outer cause. */
    private static final int MAX_NESTED = 8;

    private final ConcurrentHashMap<Object, Throwable> handedOff = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final LongAdder notCarried = new LongAdder();
    /** Per thread, whichever tracker it reports to: one JVM has one agent. */
    private static final ThreadLocal<Running> RUNNING = new ThreadLocal<>();

    /** What one thread runs of handed-off work now: a stack of causes, innermost last. */
    private static final class Running {
        final Throwable[] causes = new Throwable[MAX_NESTED];
        int depth;
    }

    /** The calling thread hands off work that may open a socket on another thread. */
    public void handedOff(Object work) {
        dropCollected();
        if (handedOff.size() >= MAX_HANDED_OFF) {
            notCarried.increment();
            return;
        }
        Throwable cause = current();
        while (cause != null && cause.getCause() != null) {
            cause = cause.getCause(); // the first hand-off: where the application asked, if anywhere
        }
        handedOff.put(new WeakIdentity(work, collected), new Throwable(null, cause));
    }

    /**
     * The calling thread starts on handed-off work: what it opens until {@link #carryOut} has that cause.
     *
     * @param once whether the work runs only once: its stack is let go now
     */
    public void carryIn(Object work, boolean once) {
        Running r = RUNNING.get();
        if (r == null) {
            r = new Running();
            RUNNING.set(r);
        }
        int depth = r.depth++; // first: a carryOut after any failure below pops this level, not the one outside
        if (depth < MAX_NESTED) {
            WeakIdentity.Probe probe = new WeakIdentity.Probe(work);
            r.causes[depth] = handedOff.isEmpty() ? null : once ? handedOff.remove(probe) : handedOff.get(probe);
        }
    }

    public void carryOut() {
        Running r = RUNNING.get();
        if (r != null && r.depth > 0) {
            r.depth--;
            if (r.depth < MAX_NESTED) {
                r.causes[r.depth] = null; // nothing is kept once the work is done
            }
        }
    }

    /**
     * What caused a socket opened now on this thread: the stack taken when this socket (a channel)
     * was handed off, else that of the work the thread runs, else that of the listener it was accepted
     * on (where the server was opened), else null.
     */
    Throwable causeOf(Object socket, Object listener) {
        if (handedOff.isEmpty()) {
            return current();
        }
        Throwable own = handedOff.remove(new WeakIdentity.Probe(socket));
        if (own != null) {
            return own;
        }
        Throwable running = current();
        return running != null || listener == null ? running : handedOff.get(new WeakIdentity.Probe(listener));
    }

    /** Lets go of the stacks of work that was collected. Here and on the tracker thread. */
    void dropCollected() {
        for (Reference<?> gone; (gone = collected.poll()) != null; ) {
            handedOff.remove(gone);
        }
    }

    /** Hand-offs not carried because {@link #MAX_HANDED_OFF} were in flight. */
    public long notCarried() {
        return notCarried.sum();
    }

    int inFlight() {
        return handedOff.size();
    }

    private Throwable current() {
        Running r = RUNNING.get();
        if (r == null) {
            return null;
        }
        for (int i = Math.min(r.depth, MAX_NESTED) - 1; i >= 0; i--) {
            if (r.causes[i] != null) {
                return r.causes[i];
            }
        }
        return null;
    }
}
