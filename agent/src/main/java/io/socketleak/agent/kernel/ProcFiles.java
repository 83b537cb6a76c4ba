package io.socketleak.agent.kernel;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the kernel's files under {@code /proc} with {@code java.io}: the JDK's NIO file system would
 * load some fifty classes into every JVM the agent starts in, for a few small reads.
 */
public final class ProcFiles {
    private ProcFiles() {
    }

    /**
     * A file's whole text. Read to its end, not by its size: /proc files report a size that is not
     * their length, and a read sized by it can come back cut short.
     */
    public static String read(String path) throws IOException {
        try (InputStream in = new FileInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** The file open for reading, or null if it does not exist (a kernel without IPv6, say). */
    static InputStream openIfExists(String path) throws IOException {
        File file = new File(path);
        return file.exists() ? new FileInputStream(file) : null;
    }

    /** The names in a directory; null if it cannot be listed (no descriptor left to list it, say). */
    public static String[] list(String directory) {
        return new File(directory).list();
    }

    /**
     * This process's id: on Linux the name {@code /proc/self} links to; elsewhere from
     * {@code ProcessHandle}, whose first use starts the JDK's process machinery (milliseconds of a
     * start-up, for a number).
     */
    public static long pid() {
        try {
            return Long.parseLong(new File("/proc/self").getCanonicalFile().getName());
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }
}
