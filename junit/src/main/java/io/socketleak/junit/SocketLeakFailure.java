package io.socketleak.junit;

/**
 * A checked scope leaked sockets. The message carries the stacks that opened them; the stack of
 * this error (the extension's own callback) would only bury them, so it has none.
 */
public final class SocketLeakFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    SocketLeakFailure(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
