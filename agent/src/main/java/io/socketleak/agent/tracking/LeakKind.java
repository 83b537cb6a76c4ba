package io.socketleak.agent.tracking;

import io.socketleak.protocol.AgentProtocol.ScopeJson;

/** The ways a socket counts as leaked. */
public enum LeakKind {
    /** Became unreachable without {@code close()}. */
    COLLECTED(ScopeJson.COLLECTED),
    /** The peer closed, and this side kept the socket open past {@code closeWaitAfter}. */
    CLOSE_WAIT(ScopeJson.CLOSE_WAIT),
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
