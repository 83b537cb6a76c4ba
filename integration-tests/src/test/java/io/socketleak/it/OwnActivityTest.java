package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.socketleak.it.support.AgentReport;
import io.socketleak.it.support.PeerServer;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Sockets opened on the agent's own threads are never tracked; the same code elsewhere is. */
class OwnActivityTest {
    @Test
    void socketsOnTheAgentsOwnThreadsAreNotTracked() throws Exception {
        try (PeerServer peer = new PeerServer()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread agentThread = new Thread(() -> {
                try {
                    Class.forName("sun.nio.ch.SocketLeakEvents").getMethod("ignoreCurrentThread").invoke(null);
                    openAndClose(peer.port());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            agentThread.start();
            agentThread.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            JsonNode afterOwn = AgentReport.now();
            assertEquals(0, AgentReport.sum(afterOwn, "OwnActivityTest.openAndClose(", "opened"));

            openAndClose(peer.port());
            assertEquals(1, AgentReport.sum(AgentReport.now(), "OwnActivityTest.openAndClose(", "opened"));
        }
    }

    private static void openAndClose(int port) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write('H');
        }
    }
}
