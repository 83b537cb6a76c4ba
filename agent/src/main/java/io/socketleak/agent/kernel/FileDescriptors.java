package io.socketleak.agent.kernel;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This process's file descriptors: how many are open and the limit ({@code ulimit -n}).
 * Values are -1 where the platform does not say (Windows).
 */
public record FileDescriptors(long open, long max) {
    // java.io rather than java.nio.file: the NIO file system would load some fifty classes into every JVM.
    private static final String OWN_DESCRIPTORS = "/proc/self/fd";
    private static final String OWN_LIMITS = "/proc/self/limits";

    /**
     * Reads the counts, -1 for one that cannot be read (the limit, when no descriptor is left to read
     * its file; the open count, on a kernel before 6.2 where it is a listing). On Linux from /proc; elsewhere from the JDK's management classes (loading them
     * costs tens of milliseconds of CPU, which a Linux process is spared).
     */
    public static FileDescriptors read() {
        if (new File(OWN_DESCRIPTORS).isDirectory()) {
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

    /** Each count on its own: the open count needs no descriptor, the limit one to read its file. */
    private static FileDescriptors fromProc() {
        long open;
        try {
            open = openCount();
        } catch (IOException | RuntimeException e) {
            open = -1;
        }
        long max = -1;
        try {
            for (String line : ProcFiles.read(OWN_LIMITS).split("\n", -1)) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim();
                    int end = soft.indexOf(' ');
                    soft = end < 0 ? soft : soft.substring(0, end);
                    max = "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no descriptor left to read it with, say: the limit is unknown this time
        }
        return open < 0 && max < 0 ? new FileDescriptors(-1, -1) : new FileDescriptors(open, max);
    }

    /**
     * Open descriptors. Linux 6.2 on gives the count as the size of the descriptor directory: no
     * descriptor and no listing needed (a process with 100,000 open would otherwise list as many
     * names each time); older kernels give 0 there, and then the directory is listed.
     */
    static long openCount() throws IOException {
        long size = new File(OWN_DESCRIPTORS).length();
        return size > 0 ? size : countByListing();
    }

    static long countByListing() throws IOException {
        String[] fds = ProcFiles.list(OWN_DESCRIPTORS);
        if (fds == null) {
            throw new IOException("cannot list " + OWN_DESCRIPTORS);
        }
        return fds.length - 1L; // the listing's own descriptor
    }

    public double utilization() {
        return open < 0 || max <= 0 ? 0 : (double) open / max;
    }
}
