package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The peer closes and the test keeps its socket open: a CLOSE_WAIT leak, which fails the class. The
 * agent's closeWaitAfter is shortened for this class through its MXBean, and the test waits until the
 * agent has counted the leak, so the class's check sees it as one.
 */
class CloseWaitTest {
    private static final ObjectName AGENT = agentName();
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static Object closeWaitAfter;
    private static ServerSocket closesAtOnce;
    private static Socket kept;

    private static ObjectName agentName() {
        try {
            return new ObjectName("io.socketleak:type=SocketLeakDetector");
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        closeWaitAfter = SERVER.getAttribute(AGENT, "CloseWaitAfter");
        SERVER.setAttribute(AGENT, new Attribute("CloseWaitAfter", "200ms"));
        closesAtOnce = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try (Socket accepted = closesAtOnce.accept()) {
                accepted.getOutputStream().write('x');
            } catch (IOException stopped) {
                // the listener closed
            }
        }, "closes-at-once");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws Exception {
        closesAtOnce.close();
        SERVER.setAttribute(AGENT, new Attribute("CloseWaitAfter", closeWaitAfter));
    }

    @Test
    void keepsItsSocketAfterThePeerClosed() throws Exception {
        long before = (Long) SERVER.getAttribute(AGENT, "CloseWaitLeaks");
        kept = new Socket(InetAddress.getLoopbackAddress(), closesAtOnce.getLocalPort()); // CLOSE_WAIT: kept open
        assertEquals('x', kept.getInputStream().read());
        assertEquals(-1, kept.getInputStream().read(), "the peer closed");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((Long) SERVER.getAttribute(AGENT, "CloseWaitLeaks") == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
