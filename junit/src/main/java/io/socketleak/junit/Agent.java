package io.socketleak.junit;

import io.socketleak.protocol.AgentProtocol;
import java.lang.management.ManagementFactory;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * The agent, reached through its MXBean in the platform MBean server. Only open types cross, so the
 * extension needs none of the agent's classes (which may not even be on the test class path).
 */
final class Agent {
    /** How long to wait for an agent still starting (attached a moment ago, installing its hooks). */
    static final long STARTUP_WAIT_MILLIS = 30_000;

    private final MBeanServer server;
    private final ObjectName name;

    private Agent(MBeanServer server, ObjectName name) {
        this.server = server;
        this.name = name;
    }

    /** The agent of this JVM, or {@link AgentNotAttachedException} saying how to attach it. */
    static Agent find() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = objectName();
        long deadline = System.currentTimeMillis() + STARTUP_WAIT_MILLIS;
        while (!server.isRegistered(name)) {
            if (System.getProperty(AgentProtocol.VERSION_PROPERTY) == null || System.currentTimeMillis() > deadline) {
                throw new AgentNotAttachedException(AgentNotAttachedException.MESSAGE);
            }
            try {
                Thread.sleep(20); // attached, still installing its hooks: its MXBean comes last
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentNotAttachedException(AgentNotAttachedException.MESSAGE);
            }
        }
        return new Agent(server, name);
    }

    /** A point in time of the JVM: sockets opened at or after it belong to the scope that took it. */
    long mark() {
        return (Long) invoke(AgentProtocol.MARK, new Object[0], new String[0]);
    }

    /** The leaks and the still-open sockets among those opened since {@code mark}. */
    ScopeSockets socketsSince(long mark) {
        String json = (String) invoke(AgentProtocol.SOCKETS_SINCE, new Object[] {mark},
                new String[] {long.class.getName()});
        return ScopeSockets.fromJson(json);
    }

    /** The same for the sockets opened at or after {@code from} and before {@code to}. */
    ScopeSockets socketsBetween(long from, long to) {
        String json = (String) invoke(AgentProtocol.SOCKETS_BETWEEN, new Object[] {from, to},
                new String[] {long.class.getName(), long.class.getName()});
        return ScopeSockets.fromJson(json);
    }

    private Object invoke(String operation, Object[] arguments, String[] signature) {
        try {
            return server.invoke(name, operation, arguments, signature);
        } catch (InstanceNotFoundException gone) {
            throw new AgentNotAttachedException(AgentNotAttachedException.MESSAGE);
        } catch (ReflectionException missing) {
            throw new IllegalStateException("the Socket Leak Detector agent in this JVM (version " + version()
                    + ") has no operation " + operation + "(): use a socket-leak-agent as new as socket-leak-junit",
                    missing);
        } catch (MBeanException failed) {
            throw new IllegalStateException("the Socket Leak Detector agent failed to answer " + operation + "()",
                    failed.getCause());
        }
    }

    String version() {
        try {
            return String.valueOf(server.getAttribute(name, AgentProtocol.VERSION_ATTRIBUTE));
        } catch (JMException | RuntimeException unknown) {
            return "unknown";
        }
    }

    private static ObjectName objectName() {
        try {
            return new ObjectName(AgentProtocol.OBJECT_NAME);
        } catch (MalformedObjectNameException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
