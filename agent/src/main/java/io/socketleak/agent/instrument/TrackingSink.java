package io.socketleak.agent.instrument;

import io.socketleak.agent.tracking.CloseClassifier;
import io.socketleak.agent.tracking.Exhaustion;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.bootstrap.JdkSockets;
import io.socketleak.bootstrap.SocketEvents;
import java.util.Arrays;

/** Turns raw JDK socket events into tracking calls, reading the socket's state through {@link JdkSockets}. */
public final class TrackingSink implements SocketEvents.Sink {
    private final Tracker tracker;
    /**
     * Descriptors of sockets made before the hooks and not closed since, sorted: SO_LINGER may have
     * been set on them unseen. The first close seen on such a descriptor is that socket's own. Null
     * until they are listed: until then every close reads SO_LINGER.
     */
    private volatile int[] madeBeforeHooks;

    public TrackingSink(Tracker tracker) {
        this.tracker = tracker;
    }

    /**
     * The descriptors of the sockets open once the hooks are in (sorted), or null when they cannot be
     * told apart: a close of one of them reads SO_LINGER, as every close does once it has been set.
     */
    public void madeBeforeHooks(int[] descriptors) {
        if (descriptors == null) {
            SocketEvents.lingerSet();
        }
        madeBeforeHooks = descriptors == null ? new int[0] : descriptors;
    }

    @Override
    public void connected(Object socket) {
        if (JdkSockets.isConnectedTcp(socket)) {
            tracker.opened(socket, JdkSockets.remote(socket), JdkSockets.localPort(socket), false);
        }
    }

    @Override
    public void accepted(Object socket) {
        if (JdkSockets.isConnectedTcp(socket)) {
            tracker.opened(socket, JdkSockets.remote(socket), JdkSockets.localPort(socket), true);
        }
    }

    @Override
    public void listening(Object socket) {
        tracker.listening(socket);
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
        if (!JdkSockets.inputShutDown(socket) && JdkSockets.pendingInput(socket) == JdkSockets.FIN_PENDING) {
            tracker.endOfStream(socket);
        }
    }

    @Override
    public void endOfStream(Object socket) {
        if (!JdkSockets.inputShutDown(socket)) { // after our own shutdownInput, -1 says nothing of the peer
            tracker.endOfStream(socket);
        }
    }

    @Override
    public void closing(Object socket) {
        if (JdkSockets.isListener(socket) || !(JdkSockets.isSocketImpl(socket) || JdkSockets.isChannel(socket))) {
            tracker.listenerClosed(socket);
            return;
        }
        if (!JdkSockets.isConnectedTcp(socket)) {
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

    /** What the socket's state says about how this close will end the connection. */
    private int closeFlags(Object socket) {
        int flags = 0;
        if (JdkSockets.resetByPeer(socket)) {
            flags |= CloseClassifier.RESET_BY_PEER;
        }
        if (mayLinger(socket) && JdkSockets.lingerSeconds(socket) == 0) {
            flags |= CloseClassifier.LINGER_ZERO;
        }
        if (JdkSockets.outputShutDown(socket)) {
            flags |= CloseClassifier.OUTPUT_SHUT;
        }
        if (JdkSockets.endOfStreamRead(socket)) {
            flags |= CloseClassifier.PEER_FIN; // all data was read before the end of stream
        } else {
            // Unread data still makes the kernel reset the connection after shutdownInput.
            int pending = JdkSockets.pendingInput(socket);
            if (pending > 0) {
                flags |= CloseClassifier.UNREAD_DATA;
            } else if (pending == JdkSockets.ERROR_PENDING) {
                flags |= CloseClassifier.RESET_BY_PEER;
            } else if (pending == JdkSockets.FIN_PENDING && !JdkSockets.inputShutDown(socket)) {
                flags |= CloseClassifier.PEER_FIN;
            }
        }
        return flags;
    }

    /** Whether SO_LINGER may be set: asking the kernel costs a system call on every close. */
    private boolean mayLinger(Object socket) {
        if (SocketEvents.lingerMayBeSet()) {
            return true;
        }
        int[] before = madeBeforeHooks;
        if (before == null || before.length == 0) {
            return before == null;
        }
        int fd = JdkSockets.descriptor(socket);
        if (Arrays.binarySearch(before, fd) < 0) {
            return fd < 0;
        }
        closedBeforeHooksSocket(fd);
        return true;
    }

    private synchronized void closedBeforeHooksSocket(int fd) {
        int[] before = madeBeforeHooks;
        int at = Arrays.binarySearch(before, fd);
        if (at >= 0) {
            int[] rest = new int[before.length - 1];
            System.arraycopy(before, 0, rest, 0, at);
            System.arraycopy(before, at + 1, rest, at, rest.length - at);
            madeBeforeHooks = rest;
        }
    }
}
