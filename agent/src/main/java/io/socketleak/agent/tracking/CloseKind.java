package io.socketleak.agent.tracking;

/** How the application's {@code close()} ended a connection, which decides where TIME_WAIT lands. */
public enum CloseKind {
    /** This side sent FIN first: the connection sits in TIME_WAIT here, holding its local port. */
    ACTIVE,
    /** The peer's FIN came first: the peer holds the TIME_WAIT, this side does not. */
    PASSIVE,
    /** Ended by RST (SO_LINGER 0, unread data at close, or a reset by the peer): no TIME_WAIT. */
    ABORTIVE
}
