package io.socketleak.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FileDescriptorsTest {
    private static final int SOCKETS = 100;
    /** Descriptors this JVM's other threads (the test runner's, the JIT's class loading) may open meanwhile. */
    private static final int OTHERS = 5;

    @Test
    void theOpenCountGrowsByEachSocketOpenedAndAgreesWithAListing() throws Exception {
        assumeTrue(new File("/proc/self/fd").isDirectory(), "no /proc/self/fd on this platform");
        // The first socket also opens what the JDK's socket classes keep open (loaded from jars, say).
        new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).close();
        long before = FileDescriptors.read().open();
        ServerSocket[] sockets = new ServerSocket[SOCKETS];
        try {
            for (int i = 0; i < SOCKETS; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            }
            long grown = FileDescriptors.read().open() - before;
            assertTrue(grown >= SOCKETS && grown <= SOCKETS + OTHERS, "grew by " + grown);
            assertEquals(0, differenceFromAListing(), "the count and a listing of /proc/self/fd");
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        long left = FileDescriptors.read().open() - before;
        assertTrue(left >= -OTHERS && left <= OTHERS, "after the closes: " + left);
    }

    /** The count less a listing taken right after it; read again if another thread opened or closed one between. */
    private static long differenceFromAListing() throws IOException {
        long difference = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            difference = FileDescriptors.openCount() - FileDescriptors.countByListing();
            if (difference == 0) {
                return 0;
            }
        }
        return difference;
    }

    @Test
    void readingTheCountsLeavesNoDescriptorOpen() {
        assumeTrue(new File("/proc/self/fd").isDirectory(), "no /proc/self/fd on this platform");
        long before = FileDescriptors.read().open();
        for (int i = 0; i < 50; i++) {
            FileDescriptors.read();
        }
        long grown = FileDescriptors.read().open() - before;
        assertTrue(grown < OTHERS, "50 readings left " + grown + " more open");
    }
}
