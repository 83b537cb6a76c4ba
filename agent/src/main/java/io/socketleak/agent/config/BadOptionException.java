package io.socketleak.agent.config;

/** A key or value the agent cannot use; the message is the one line the user sees. */
public final class BadOptionException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadOptionException(String message) {
        super(message);
    }
}
