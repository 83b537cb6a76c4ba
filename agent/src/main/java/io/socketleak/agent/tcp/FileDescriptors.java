package io.socketleak.agent.tcp;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This process's file descriptors: how many are open and the limit ({@code ulimit -n}).
 * Values are -1 where the platform does not say (Windows).
 */
public record FileDescriptors(long open, long max) {

    /** Reads the counts; (-1, -1) when they cannot be read, as when no descriptor is left to list them. */
    public static FileDescriptors read() {
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

    public double utilization() {
        return open < 0 || max <= 0 ? 0 : (double) open / max;
    }
}
