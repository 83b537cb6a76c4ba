package io.socketleak.protocol;

/**
 * What the agent and its clients (the command line, the JUnit extension, the demo, the benchmarks)
 * agree on: where the agent is found, what it is asked, and the names in its answers. Constants
 * only, so a client that reads nothing but these needs this jar at compile time alone.
 */
public final class AgentProtocol {
    /** The agent's MXBean in the platform MBean server. */
    public static final String OBJECT_NAME = "io.socketleak:type=SocketLeakDetector";
    /** A system property the agent sets, to its version, as soon as it starts; its MXBean follows once its hooks are in. */
    public static final String VERSION_PROPERTY = "socketleak.agent.version";
    /**
     * A running agent attached to again with options answers in the system property of this name, a dot
     * and the request's name: {@code changed key=value, ...} or {@code refused: <reason>}. The command
     * line reads it after the attach (a property per request: two at once each find their own).
     */
    public static final String OPTIONS_CHANGE_PROPERTY = "socketleak.agent.optionsChange";
    /**
     * How the command line's agent arguments start when they change a running agent's options:
     * {@code change <name>:key=value,...}, the name its own, unique to the request.
     */
    public static final String OPTIONS_CHANGE_PREFIX = "change ";
    /** The MXBean attribute with the agent's version. */
    public static final String VERSION_ATTRIBUTE = "Version";

    /** Operation: a point in this JVM's time ({@code long}); sockets opened at or after it belong to the scope that took it. */
    public static final String MARK = "mark";
    /** Operation ({@code long mark}): the scope JSON of the sockets opened at or after the mark. */
    public static final String SOCKETS_SINCE = "socketsSinceJson";
    /** Operation ({@code long from, long to}): the scope JSON of the sockets opened at or after {@code from} and before {@code to}. */
    public static final String SOCKETS_BETWEEN = "socketsBetweenJson";

    private AgentProtocol() {
    }

    /**
     * The scope JSON: {@code {"schema", "mark", "end", "complete", "leaks": [...], "open": [...]}}.
     * Each entry of {@code leaks} and {@code open} is one socket: {@code socket} (its id, the same in
     * every answer of this JVM; a socket left in CLOSE_WAIT is in both lists), {@code kind} (leaks
     * only), {@code remote}, {@code inbound}, {@code ageMillis}, {@code thread}, {@code blame},
     * {@code applicationLine}, {@code origin}, {@code frames}. {@code end} is null for {@link #SOCKETS_SINCE}; {@code complete} is false when
     * the agent no longer kept some old leaks one by one.
     */
    public static final class ScopeJson {
        public static final int SCHEMA_VERSION = 1;

        public static final String SCHEMA = "schema";
        public static final String MARK = "mark";
        public static final String END = "end";
        public static final String COMPLETE = "complete";
        public static final String LEAKS = "leaks";
        public static final String OPEN = "open";

        public static final String SOCKET = "socket";
        public static final String KIND = "kind";
        public static final String REMOTE = "remote";
        public static final String INBOUND = "inbound";
        public static final String AGE_MILLIS = "ageMillis";
        public static final String THREAD = "thread";
        public static final String BLAME = "blame";
        public static final String FRAMES = "frames";
        /** Whether {@code blame} is a line of the application's own code. */
        public static final String APPLICATION_LINE = "applicationLine";
        /**
         * Null when the application's thread opened the socket; else how it came from the blamed line
         * ("through OkHttp, connected on thread OkHttp TaskRunner"), or "application line unknown: ...".
         */
        public static final String ORIGIN = "origin";

        /** A {@code kind}: the socket became unreachable without {@code close()}. */
        public static final String COLLECTED = "collected";
        /** A {@code kind}: the peer closed and this side kept the socket open past {@code closeWaitAfter}. */
        public static final String CLOSE_WAIT = "closeWait";

        private ScopeJson() {
        }
    }
}
