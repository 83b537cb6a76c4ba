package io.socketleak.agent.jmx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.socketleak.protocol.AgentProtocol;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** The protocol's names are the MXBean's: a client that uses them finds what it asks for. */
class ProtocolTest {
    @Test
    void theProtocolsOperationsAreTheMXBeansWithTheirSignatures() throws NoSuchMethodException {
        assertEquals(long.class, SocketLeakDetectorMXBean.class.getMethod(AgentProtocol.MARK).getReturnType());
        Method since = SocketLeakDetectorMXBean.class.getMethod(AgentProtocol.SOCKETS_SINCE, long.class);
        assertEquals(String.class, since.getReturnType());
        Method between = SocketLeakDetectorMXBean.class.getMethod(AgentProtocol.SOCKETS_BETWEEN, long.class,
                long.class);
        assertArrayEquals(new Class<?>[] {long.class, long.class}, between.getParameterTypes());
        assertEquals(String.class, between.getReturnType());
    }

    @Test
    void theVersionAttributeIsTheMXBeans() throws NoSuchMethodException {
        assertEquals(String.class,
                SocketLeakDetectorMXBean.class.getMethod("get" + AgentProtocol.VERSION_ATTRIBUTE).getReturnType());
    }
}
