package io.socketleak.junit;

/**
 * The Socket Leak Detector agent is not in the test JVM, so nothing can be checked. The message is
 * the whole story (how to attach it), so there is no stack trace to scroll past.
 */
public final class AgentNotAttachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final String MESSAGE = "Socket Leak Detector agent is not attached to this JVM: add "
            + "-javaagent:${io.socketleak:socket-leak-agent:jar} to the maven-surefire-plugin argLine "
            + "(with maven-dependency-plugin:properties); see the README";

    AgentNotAttachedException(String message) {
        super(message, null, false, false);
    }
}
