package io.socketleak.bootstrap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one door from instrumented JDK code into the agent.
 *
 * <p>This class is loaded by the bootstrap class loader (the agent appends a small jar holding it
 * to the boot class path), so that advice inlined into {@code java.base} can call it. It depends on
 * nothing but {@code java.base}; the agent plugs its {@link Sink} in once it is ready. Every entry
 * point swallows whatever the sink throws and counts it, so no failure of the agent ever reaches
 * application code, and a per-thread guard keeps the agent's own socket work from being reported
 * back to itself.
 */
public final class SocketEvents {

    /** What the agent does with each event. Called on the application's thread: must be quick. */
    public interface Sink {
        void connected(Object socket);

        void accepted(Object socket);

        void listening(Object socket);

        void outputShutdown(Object socket);

        void inputShuttingDown(Object socket);

        void endOfStream(Object socket);

        void closing(Object socket);

        /** A connect, bind or accept threw: the agent looks for port or descriptor exhaustion. */
        void failed(Object socket, Throwable failure);
    }

    private static final int CONNECTED = 0;
    private static final int ACCEPTED = 1;
    private static final int LISTENING = 2;
    private static final int OUTPUT_SHUTDOWN = 3;
    private static final int END_OF_STREAM = 4;
    private static final int CLOSING = 5;
    private static final int INPUT_SHUTTING_DOWN = 6;
    private static final int FAILED = 7;

    private static volatile Sink sink;

    /**
     * Per thread: {@code 0} free, {@code 1} inside the sink, {@code -1} one of the agent's own
     * threads. An array so that the hot path never allocates after a thread's first event.
     */
    private static final ThreadLocal<int[]> STATE = new ThreadLocal<>() {
        @Override
        protected int[] initialValue() {
            return new int[1]; // no lambda: this class may run before invokedynamic is usable
        }
    };

    /**
     * Whether any socket may have SO_LINGER set: until one does, a close need not ask the kernel.
     * Never reset; set on a SO_LINGER option set, and when sockets already existed at the hooks' start.
     */
    private static volatile boolean lingerMayBeSet;

    private static final AtomicLong failures = new AtomicLong();
    private static volatile Throwable firstFailure;

    private SocketEvents() {
    }

    public static void install(Sink newSink) {
        sink = newSink;
    }

    public static boolean installed() {
        return sink != null;
    }

    public static Sink currentSink() {
        return sink;
    }

    /** Marks the calling thread as the agent's own: its sockets are never tracked. */
    public static void ignoreCurrentThread() {
        STATE.get()[0] = -1;
    }

    /** A socket's SO_LINGER is being set (on, off or zero): from now on closes read it. */
    public static void lingerSet() {
        lingerMayBeSet = true;
    }

    public static boolean lingerMayBeSet() {
        return lingerMayBeSet;
    }

    /** Failures inside the sink, swallowed so that the application never sees them. */
    public static long failures() {
        return failures.get();
    }

    public static Throwable firstFailure() {
        return firstFailure;
    }

    public static void connected(Object socket) {
        dispatch(CONNECTED, socket);
    }

    public static void accepted(Object socket) {
        dispatch(ACCEPTED, socket);
    }

    public static void listening(Object socket) {
        dispatch(LISTENING, socket);
    }

    public static void outputShutdown(Object socket) {
        dispatch(OUTPUT_SHUTDOWN, socket);
    }

    public static void inputShuttingDown(Object socket) {
        dispatch(INPUT_SHUTTING_DOWN, socket);
    }

    public static void endOfStream(Object socket) {
        dispatch(END_OF_STREAM, socket);
    }

    public static void closing(Object socket) {
        dispatch(CLOSING, socket);
    }

    public static void failed(Object socket, Throwable failure) {
        dispatch(FAILED, socket, failure);
    }

    private static void dispatch(int event, Object socket) {
        dispatch(event, socket, null);
    }

    private static void dispatch(int event, Object socket, Throwable failure) {
        Sink s = sink;
        if (s == null) {
            return;
        }
        int[] state = STATE.get();
        if (state[0] != 0) {
            return; // the agent's own thread, or re-entered from inside the sink
        }
        state[0] = 1;
        try {
            switch (event) {
                case CONNECTED -> s.connected(socket);
                case ACCEPTED -> s.accepted(socket);
                case LISTENING -> s.listening(socket);
                case OUTPUT_SHUTDOWN -> s.outputShutdown(socket);
                case END_OF_STREAM -> s.endOfStream(socket);
                case INPUT_SHUTTING_DOWN -> s.inputShuttingDown(socket);
                case FAILED -> s.failed(socket, failure);
                default -> s.closing(socket);
            }
        } catch (Throwable t) {
            if (failures.getAndIncrement() == 0) {
                firstFailure = t;
            }
        } finally {
            state[0] = 0;
        }
    }
}
