package io.socketleak.agent.tracking;

/**
 * The threads that close what the application dropped: the JDK's cleaners and finalizer, and the
 * cleaner threads of libraries (pgjdbc closes the socket of a connection dropped without
 * {@code close()}). A close on one of them is a socket collected without {@code close()}.
 */
final class Cleaners {
    private Cleaners() {
    }

    static boolean isCleaner(Thread thread) {
        String name = thread.getName();
        return name.equals("Common-Cleaner")           // java.lang.ref.Cleaner's common one
                || name.startsWith("Cleaner-")          // java.lang.ref.Cleaner.create()
                || name.equals("Finalizer")
                || name.equals("PostgreSQL-JDBC-Cleaner");
    }
}
