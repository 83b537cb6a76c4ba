package io.socketleak.agent.instrument;

import io.socketleak.agent.tracking.CloseClassifier;
import io.socketleak.agent.tracking.Exhaustion;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.bootstrap.SocketLeakState;
import io.socketleak.bootstrap.SocketLeakEvents;
import java.util.function.Consumer;

/** Turns raw JDK socket events into tracking calls, reading the socket's state through {@link SocketLeakState}. */
public final class TrackingSink implements SocketLeakEvents.Sink {
    private final Tracker tracker;
    private final LingerReads linger = new LingerReads();
    /** What becomes of the platform MBean server once somebody creates it. */
    private final Consumer<Object> managementServer;

    public TrackingSink(Tracker tracker, Consumer<Object> managementServer) {
        this.tracker = tracker;
        this.managementServer = managementServer;
    }

    /**
     * The hooks are in: from now on SO_LINGER is read where {@link LingerReads} says it may be set.
     *
     * @param lingerSetsSeen whether every hook of {@link Hooks#LINGER_SETS} took
     * @param socketsBefore  whether sockets may exist from before the hooks
     */
    public void hooksIn(boolean lingerSetsSeen, boolean socketsBefore) {
        linger.hooksIn(lingerSetsSeen, socketsBefore);
    }

    @Override
    public void connected(Object socket) {
        if (SocketLeakState.isConnectedTcp(socket)) {
            tracker.opened(socket, SocketLeakState.remote(socket), SocketLeakState.localPort(socket), false);
        }
    }

    @Override
    public void accepted(Object socket, Object listener) {
        if (SocketLeakState.isConnectedTcp(socket)) {
            tracker.accepted(socket, SocketLeakState.remote(socket), SocketLeakState.localPort(socket), listener);
        }
    }

    /** A server's stack goes with its listener: a connection accepted in library or JDK code is blamed on it. */
    @Override
    public void listening(Object socket) {
        if (managementListener()) {
            tracker.listeners().managementListening(socket);
            return;
        }
        tracker.listeners().listening(socket);
        tracker.origins().handedOff(socket);
    }

    /** The Prometheus JMX exporter's agent class, in its releases so far (0.x and 1.x). */
    static final String PROMETHEUS_JMX_EXPORTER = "io.prometheus.jmx.JavaAgent";

    /**
     * Whether this thread opens a listener for monitoring, not for the application: the JDK's local
     * JMX agent (started by {@code report <pid>}, jconsole, jcmd), or the Prometheus JMX exporter's
     * HTTP server (opened in its premain). Neither the listener nor the connections it accepts are
     * counted. A stack per listener: listeners are few.
     */
    static boolean managementListener() {
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            String type = frame.getClassName();
            if ((type.equals("jdk.internal.agent.Agent") && frame.getMethodName().equals("startLocalManagementAgent"))
                    || type.equals(PROMETHEUS_JMX_EXPORTER)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void outputShutdown(Object socket) {
        tracker.outputShutdown(socket);
    }

    /**
     * Once input is shut down, poll() reports the socket readable for good and a FIN can no longer
     * be told apart (SSL sockets do this on the peer's close_notify): look for it now.
     */
    @Override
    public void inputShuttingDown(Object socket) {
        if (!SocketLeakState.inputShutDown(socket) && SocketLeakState.pendingInput(socket) == SocketLeakState.FIN_PENDING) {
            tracker.endOfStream(socket);
        }
    }

    @Override
    public void endOfStream(Object socket) {
        if (!SocketLeakState.inputShutDown(socket)) { // after our own shutdownInput, -1 says nothing of the peer
            tracker.endOfStream(socket);
        }
    }

    @Override
    public void closing(Object socket) {
        if (SocketLeakState.isListener(socket) || !(SocketLeakState.isSocketImpl(socket) || SocketLeakState.isChannel(socket)
                || SocketLeakState.isAsynchronous(socket))) {
            tracker.listeners().closed(socket);
            return;
        }
        if (!SocketLeakState.isConnectedTcp(socket)) {
            return; // never connected, or already closing: not a close of a connection
        }
        tracker.closed(socket, closeFlags(socket));
    }

    @Override
    public void failed(Object socket, Throwable failure) {
        Exhaustion kind = Exhaustion.of(failure);
        if (kind != null) {
            tracker.exhausted(kind, failure.toString());
        }
    }

    @Override
    public void managementServer(Object server) {
        managementServer.accept(server);
    }

    @Override
    public void handedOff(Object carrier) {
        if (SocketLeakState.isChannel(carrier) && SocketLeakState.isConnectedTcp(carrier)) {
            return; // connected (or accepted) already: its stack is taken
        }
        tracker.origins().handedOff(carrier);
    }

    @Override
    public void carryIn(Object carrier, boolean once) {
        tracker.origins().carryIn(carrier, once);
    }

    @Override
    public void carryOut() {
        tracker.origins().carryOut();
    }

    /** What the socket's state says about how this close will end the connection. */
    private int closeFlags(Object socket) {
        int flags = 0;
        if (SocketLeakState.resetByPeer(socket)) {
            flags |= CloseClassifier.RESET_BY_PEER;
        }
        if (linger.mayBeSet(socket) && SocketLeakState.lingerSeconds(socket) == 0) {
            flags |= CloseClassifier.LINGER_ZERO;
        }
        if (SocketLeakState.outputShutDown(socket)) {
            flags |= CloseClassifier.OUTPUT_SHUT;
        }
        if (SocketLeakState.endOfStreamRead(socket)) {
            flags |= CloseClassifier.PEER_FIN; // all data was read before the end of stream
        } else {
            // Unread data still makes the kernel reset the connection after shutdownInput.
            int pending = SocketLeakState.pendingInput(socket);
            if (pending > 0) {
                flags |= CloseClassifier.UNREAD_DATA;
            } else if (pending == SocketLeakState.ERROR_PENDING) {
                flags |= CloseClassifier.RESET_BY_PEER;
            } else if (pending == SocketLeakState.FIN_PENDING && !SocketLeakState.inputShutDown(socket)) {
                flags |= CloseClassifier.PEER_FIN;
            }
        }
        return flags;
    }
}
