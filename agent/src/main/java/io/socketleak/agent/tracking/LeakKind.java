package io.socketleak.agent.tracking;

/** The ways a socket counts as leaked. */
public enum LeakKind {
    /** Became unreachable without {@code close()}. */
    COLLECTED("collected"),
    /** The peer closed, and this side kept the socket open past {@code closeWaitAfter}. */
    CLOSE_WAIT("closeWait"),
    /** Still open when the JVM exits (counted only with {@code failOnLeak}). */
    OPEN_AT_EXIT("openAtExit");

    private final String jsonName;

    LeakKind(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }
}
