package io.socketleak.agent.tracking;

/** The two ways the kernel refuses new connections, recognised from the JDK's exception messages. */
public enum Exhaustion {
    /** No local port left for the destination (or none left to bind). */
    PORTS,
    /** The process's file descriptor limit ({@code ulimit -n}) is reached. */
    FILE_DESCRIPTORS;

    /** Which exhaustion a failed connect, bind or accept shows, or null for any other failure. */
    public static Exhaustion of(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 16; t = t.getCause()) { // bounded: causes can loop
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            if (message.contains("Too many open files")) {
                return FILE_DESCRIPTORS;
            }
            if (message.contains("Cannot assign requested address") // Linux, EADDRNOTAVAIL
                    || message.contains("No buffer space available") // Windows, WSAENOBUFS
                    || message.contains("Address already in use")) { // an ephemeral bind found no port
                return PORTS;
            }
        }
        return null;
    }
}
