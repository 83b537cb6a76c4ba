package io.socketleak.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExhaustionTest {

    @Test
    void cannotAssignRequestedAddressMeansNoPortsLeft() {
        // Linux EADDRNOTAVAIL from connect(), as the JDK throws it
        assertEquals(Exhaustion.PORTS, Exhaustion.of(new BindException("Cannot assign requested address")));
        assertEquals(Exhaustion.PORTS,
                Exhaustion.of(new SocketException("Cannot assign requested address (connect failed)")));
    }

    @Test
    void windowsNoBufferSpaceMeansNoPortsLeft() {
        assertEquals(Exhaustion.PORTS,
                Exhaustion.of(new SocketException("No buffer space available (maximum connections reached?)")));
    }

    @Test
    void addressAlreadyInUseMeansNoPortsLeft() {
        assertEquals(Exhaustion.PORTS, Exhaustion.of(new BindException("Address already in use")));
    }

    @Test
    void tooManyOpenFilesMeansNoDescriptorsLeft() {
        assertEquals(Exhaustion.FILE_DESCRIPTORS, Exhaustion.of(new SocketException("Too many open files")));
        assertEquals(Exhaustion.FILE_DESCRIPTORS, Exhaustion.of(new IOException("Too many open files")));
    }

    @Test
    void aCauseInsideAWrappingExceptionIsRecognised() {
        assertEquals(Exhaustion.PORTS, Exhaustion.of(new IOException("connect to 10.0.0.5:443 failed",
                new BindException("Cannot assign requested address"))));
        assertEquals(Exhaustion.FILE_DESCRIPTORS, Exhaustion.of(new UncheckedIOException("request failed",
                new IOException("while connecting", new SocketException("Too many open files")))));
    }

    @Test
    void aWrapperWithoutAMessageOfItsOwnIsLookedThrough() {
        RuntimeException wrapper = new RuntimeException((String) null,
                new SocketException("No buffer space available (maximum connections reached?)"));

        assertEquals(Exhaustion.PORTS, Exhaustion.of(wrapper));
    }

    @Test
    void otherFailuresAreNoExhaustion() {
        assertNull(Exhaustion.of(new ConnectException("Connection refused")));
        assertNull(Exhaustion.of(new SocketTimeoutException("Connect timed out")));
        assertNull(Exhaustion.of(new NoRouteToHostException("No route to host")));
        assertNull(Exhaustion.of(new SocketException("Connection reset")));
        assertNull(Exhaustion.of(new IOException("wrapped", new SocketException("Broken pipe"))));
    }

    @Test
    void failuresWithoutAnyMessageAreNoExhaustion() {
        assertNull(Exhaustion.of(new SocketException()));
        assertNull(Exhaustion.of(new IOException((String) null, new SocketException())));
        assertNull(Exhaustion.of(null));
    }

    @Test
    void aCyclicCauseChainEndsTheSearch() throws InterruptedException {
        IOException a = new IOException("request failed");
        SocketException b = new SocketException("Connection reset");
        a.initCause(b);
        b.initCause(a);
        AtomicReference<Object> result = new AtomicReference<>("not finished");
        Thread search = new Thread(() -> result.set(Exhaustion.of(a)), "exhaustion-of-cycle");
        search.setDaemon(true); // if it spins forever, it must not keep the test JVM alive

        search.start();
        search.join(2_000);

        assertFalse(search.isAlive(), "Exhaustion.of is still looping over the cause cycle after 2 s");
        assertNull(result.get());
    }
}
