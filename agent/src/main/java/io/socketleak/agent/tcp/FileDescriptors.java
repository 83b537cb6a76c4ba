package io.socketleak.agent.tcp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's file descriptors: how many are open and the limit ({@code ulimit -n}).
 * Values are -1 where the platform does not say (Windows).
 */
public record FileDescriptors(long open, long max) {
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");
    private static final Path OWN_LIMITS = Path.of("/proc/self/limits");

    /**
     * Reads the counts; (-1, -1) when they cannot be read, as when no descriptor is left to list them.
     * On Linux from /proc, as the JDK does; elsewhere from the JDK's management classes (loading them
     * costs tens of milliseconds of CPU, which a Linux process is spared).
     */
    public static FileDescriptors read() {
        if (Files.isDirectory(OWN_DESCRIPTORS)) {
            return fromProc();
        }
        try {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return new FileDescriptors(unix.getOpenFileDescriptorCount(), unix.getMaxFileDescriptorCount());
            }
        } catch (RuntimeException | InternalError e) {
            // the JDK reports EMFILE on /proc/self/fd as an InternalError
        }
        return new FileDescriptors(-1, -1);
    }

    private static FileDescriptors fromProc() {
        long max = -1;
        long open = -1;
        try {
            for (String line : Files.readAllLines(OWN_LIMITS)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim();
                    int end = soft.indexOf(' ');
                    soft = end < 0 ? soft : soft.substring(0, end);
                    max = "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
            long count = 0;
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(OWN_DESCRIPTORS)) {
                for (Path ignored : fds) {
                    count++;
                }
            }
            open = count - 1; // the listing's own descriptor
        } catch (IOException | RuntimeException e) {
            return new FileDescriptors(-1, -1);
        }
        return new FileDescriptors(open, max);
    }

    public double utilization() {
        return open < 0 || max <= 0 ? 0 : (double) open / max;
    }
}
