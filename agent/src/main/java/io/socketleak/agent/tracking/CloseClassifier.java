package io.socketleak.agent.tracking;

/**
 * Decides how a close ends a TCP connection from what was seen before and at the close.
 *
 * <p>Which side sends FIN first decides where TIME_WAIT lands. An RST (SO_LINGER 0, data left unread
 * in the receive buffer, or a reset from the peer) ends the connection with no TIME_WAIT at all.
 */
public final class CloseClassifier {
    /** The peer reset the connection. */
    public static final int RESET_BY_PEER = 1;
    /** SO_LINGER is on with a zero timeout: close sends RST. */
    public static final int LINGER_ZERO = 1 << 1;
    /** Received data nobody read: the kernel answers the close with RST. */
    public static final int UNREAD_DATA = 1 << 2;
    /** The peer's FIN has arrived (read as end-of-stream, or waiting unread). */
    public static final int PEER_FIN = 1 << 3;
    /** This side's output was shut down before the close. */
    public static final int OUTPUT_SHUT = 1 << 4;

    private CloseClassifier() {
    }

    /**
     * How a close ends the connection, from the socket's state and the order of the two FINs.
     *
     * @param flags             what the socket's state shows at the close
     * @param endOfStreamAt     {@code System.nanoTime()} when the application first read end-of-stream, or 0
     * @param outputShutdownAt  {@code System.nanoTime()} when the application shut down its output, or 0
     */
    public static CloseKind classify(int flags, long endOfStreamAt, long outputShutdownAt) {
        if ((flags & (RESET_BY_PEER | LINGER_ZERO | UNREAD_DATA)) != 0) {
            return CloseKind.ABORTIVE;
        }
        boolean peerFin = endOfStreamAt != 0 || (flags & PEER_FIN) != 0;
        if (!peerFin) {
            return CloseKind.ACTIVE;
        }
        boolean ourFinFirst = outputShutdownAt != 0
                ? endOfStreamAt == 0 || outputShutdownAt - endOfStreamAt <= 0
                // shut down before the agent saw it (attached later): the order is unknown, assume ours
                : (flags & OUTPUT_SHUT) != 0 && endOfStreamAt == 0;
        return ourFinFirst ? CloseKind.ACTIVE : CloseKind.PASSIVE;
    }
}
