package io.socketleak.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FileDescriptorsTest {
    private static final int SOCKETS = 100;

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
            FileDescriptors during = FileDescriptors.read();
            assertEquals(before + SOCKETS, during.open());
            assertEquals(FileDescriptors.countByListing(), FileDescriptors.openCount());
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        assertEquals(before, FileDescriptors.read().open());
    }
}
