package io.socketleak.bootstrap;

import java.net.StandardSocketOptions;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The one door from instrumented JDK code into the agent: the hooks call its static methods.
 *
 * <p>At start the agent defines this class into {@code java.base}, in the package of the socket
 * classes that call it ({@code sun.nio.ch}; see {@code io.socketleak.agent.Bridge}). It depends on
 * nothing but {@code java.base}; the agent plugs its {@link Sink} in before the first hook can run.
 * Every entry point swallows whatever the sink throws and counts it, so no failure of the agent
 * ever reaches application code, and a per-thread guard keeps the agent's own socket work from
 * being reported back to itself.
 */
public final class SocketLeakEvents {

    /** What the agent does with each event. Called on the application's thread: must be quick. */
    public interface Sink {
        void connected(Object socket);

        /** A connection was accepted on {@code listener} (its listening socket or channel). */
        void accepted(Object socket, Object listener);

        void listening(Object socket);

        void outputShutdown(Object socket);

        void inputShuttingDown(Object socket);

        void endOfStream(Object socket);

        void closing(Object socket);

        /** A connect, bind or accept threw: the agent looks for port or descriptor exhaustion. */
        void failed(Object socket, Throwable failure);

        /** The platform MBean server exists now (somebody asked for it): the agent's MXBean joins it. */
        void managementServer(Object server);

        /**
         * A library took work from the calling thread that may open a socket elsewhere ({@code carrier}
         * is the work: a call, a connect plan, a pool's connection maker), or a channel went
         * non-blocking before it connected (it may connect on a selector's thread).
         */
        void handedOff(Object carrier);

        /**
         * A thread starts on work handed off: sockets it opens are caused by whoever handed it off.
         *
         * @param once whether the work runs once (a call, a connect plan): its stack is then let go
         */
        void carryIn(Object carrier, boolean once);

        /** That work is over (returned or threw). */
        void carryOut();
    }

    private static final int CONNECTED = 0;
    private static final int ACCEPTED = 1;
    private static final int LISTENING = 2;
    private static final int OUTPUT_SHUTDOWN = 3;
    private static final int END_OF_STREAM = 4;
    private static final int CLOSING = 5;
    private static final int INPUT_SHUTTING_DOWN = 6;
    private static final int FAILED = 7;
    private static final int MANAGEMENT_SERVER = 8;
    private static final int HANDED_OFF = 9;
    private static final int CARRY_IN = 10;
    private static final int CARRY_OUT = 11;
    private static final int CARRY_IN_ONCE = 12;

    private static volatile Sink sink;
    private static volatile Function<String, String> optionChanges;

    /**
     * Per thread: {@code 0} free, {@code 1} inside the sink, {@code -1} one of the agent's own
     * threads. An array so that the hot path never allocates after a thread's first event. No
     * initial-value subclass: this must stay one class, with no lambda (it may run before
     * invokedynamic is usable).
     */
    private static final ThreadLocal<int[]> STATE = new ThreadLocal<>();

    /**
     * Whether any socket may have SO_LINGER set: until one does, a close need not ask the kernel.
     * Never reset. Here, in java.base, because the set hooks raise it; the whole rule is the agent's
     * {@code instrument.LingerReads}.
     */
    private static volatile boolean lingerMayBeSet;

    private static final AtomicLong failures = new AtomicLong();
    private static volatile String firstFailure;

    private SocketLeakEvents() {
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

    /**
     * A running agent takes option changes through this: a second start of the agent (an attach with
     * options) comes from a class loader of its own, and this class is all the two share.
     */
    public static void acceptOptionChanges(Function<String, String> changes) {
        optionChanges = changes;
    }

    /** Asks the running agent to change its options ({@code key=value,...}); its answer, or null if none runs. */
    public static String changeOptions(String agentArgs) {
        Function<String, String> changes = optionChanges;
        return changes == null ? null : changes.apply(agentArgs);
    }

    /** Marks the calling thread as the agent's own: its sockets are never tracked. */
    public static void ignoreCurrentThread() {
        state()[0] = -1;
    }

    private static int[] state() {
        int[] state = STATE.get();
        if (state == null) {
            state = new int[1];
            STATE.set(state);
        }
        return state;
    }

    /** From now on every close reads SO_LINGER (a set may go unseen). */
    public static void lingerSet() {
        lingerMayBeSet = true;
    }

    /** A socket option is being set: SO_LINGER is the one the agent needs to know of. */
    public static void optionSet(Object option) {
        if (option == StandardSocketOptions.SO_LINGER) {
            lingerMayBeSet = true;
        }
    }

    public static boolean lingerMayBeSet() {
        return lingerMayBeSet;
    }

    /** Failures inside the sink, swallowed so that the application never sees them. */
    public static long failures() {
        return failures.get();
    }

    /** The first of those failures as text (its class and message), or null. */
    public static String firstFailure() {
        return firstFailure;
    }

    public static void connected(Object socket) {
        dispatch(CONNECTED, socket);
    }

    /** Exit of {@code SocketChannel.connect}/{@code finishConnect}: {@code true} means connected. */
    public static void connectedIf(boolean connected, Object socket) {
        if (connected) {
            dispatch(CONNECTED, socket);
        }
    }

    /** Exit of a read returning a count: -1 is end-of-stream. */
    public static void read(int count, Object socket) {
        if (count < 0) {
            dispatch(END_OF_STREAM, socket);
        }
    }

    /** Exit of a scattering read. */
    public static void read(long count, Object socket) {
        if (count < 0) {
            dispatch(END_OF_STREAM, socket);
        }
    }

    /** Exit of {@code NioSocketImpl.accept(SocketImpl)}: the argument is the accepted socket, {@code this} the listener. */
    public static void accepted(Object socket, Object listener) {
        dispatch(ACCEPTED, socket, listener);
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

    public static void managementServer(Object server) {
        dispatch(MANAGEMENT_SERVER, server);
    }

    /** Entry of {@code SocketChannel.implConfigureBlocking}: a channel going non-blocking may connect elsewhere. */
    public static void configuringBlocking(boolean block, Object channel) {
        if (!block) {
            dispatch(HANDED_OFF, channel);
        }
    }

    public static void handedOff(Object carrier) {
        dispatch(HANDED_OFF, carrier);
    }

    public static void carryIn(Object carrier) {
        dispatch(CARRY_IN, carrier);
    }

    public static void carryInOnce(Object carrier) {
        dispatch(CARRY_IN_ONCE, carrier);
    }

    public static void carryOut() {
        dispatch(CARRY_OUT, null);
    }

    private static void dispatch(int event, Object socket) {
        dispatch(event, socket, null);
    }

    /** @param other what goes with the event: the listener of an accepted socket, the failure of a failed call */
    private static void dispatch(int event, Object socket, Object other) {
        Sink s = sink;
        if (s == null) {
            return;
        }
        int[] state = state();
        if (state[0] != 0) {
            return; // the agent's own thread, or re-entered from inside the sink
        }
        state[0] = 1;
        try {
            switch (event) {
                case CONNECTED -> s.connected(socket);
                case ACCEPTED -> s.accepted(socket, other);
                case LISTENING -> s.listening(socket);
                case OUTPUT_SHUTDOWN -> s.outputShutdown(socket);
                case END_OF_STREAM -> s.endOfStream(socket);
                case INPUT_SHUTTING_DOWN -> s.inputShuttingDown(socket);
                case FAILED -> s.failed(socket, (Throwable) other);
                case MANAGEMENT_SERVER -> s.managementServer(socket);
                case HANDED_OFF -> s.handedOff(socket);
                case CARRY_IN -> s.carryIn(socket, false);
                case CARRY_IN_ONCE -> s.carryIn(socket, true);
                case CARRY_OUT -> s.carryOut();
                default -> s.closing(socket);
            }
        } catch (Throwable t) {
            if (failures.getAndIncrement() == 0) {
                firstFailure = describe(t);
            }
        } finally {
            state[0] = 0;
        }
    }

    private static String describe(Throwable t) {
        try {
            return t.toString();
        } catch (Throwable broken) { // a toString() that fails too
            return t.getClass().getName();
        }
    }
}
