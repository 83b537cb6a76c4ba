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
                || isNumbered(name, "Cleaner-")         // java.lang.ref.Cleaner.create(): Cleaner-0, Cleaner-1...
                || name.equals("Finalizer")
                || name.equals("PostgreSQL-JDBC-Cleaner");
    }

    private static boolean isNumbered(String name, String prefix) {
        if (!name.startsWith(prefix) || name.length() == prefix.length()) {
            return false;
        }
        for (int i = prefix.length(); i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
