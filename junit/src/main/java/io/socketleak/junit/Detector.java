package io.socketleak.junit;

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
final class Detector {
    static final String OBJECT_NAME = "io.socketleak:type=SocketLeakDetector";
    /** Set by the agent as soon as it starts; its MXBean follows once its hooks are in. */
    static final String AGENT_PROPERTY = "socketleak.agent.version";
    /** How long to wait for an agent still starting (attached a moment ago, installing its hooks). */
    static final long STARTUP_WAIT_MILLIS = 30_000;

    private final MBeanServer server;
    private final ObjectName name;

    private Detector(MBeanServer server, ObjectName name) {
        this.server = server;
        this.name = name;
    }

    /** The agent of this JVM, or {@link AgentNotAttachedException} saying how to attach it. */
    static Detector find() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = objectName();
        long deadline = System.currentTimeMillis() + STARTUP_WAIT_MILLIS;
        while (!server.isRegistered(name)) {
            if (System.getProperty(AGENT_PROPERTY) == null || System.currentTimeMillis() > deadline) {
                throw new AgentNotAttachedException(AgentNotAttachedException.MESSAGE);
            }
            try {
                Thread.sleep(20); // attached, still installing its hooks: its MXBean comes last
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentNotAttachedException(AgentNotAttachedException.MESSAGE);
            }
        }
        return new Detector(server, name);
    }

    /** A point in time of the JVM: sockets opened at or after it belong to the scope that took it. */
    long mark() {
        return (Long) invoke("mark", new Object[0], new String[0]);
    }

    /** The leaks and the still-open sockets among those opened since {@code mark}. */
    ScopeSockets socketsSince(long mark) {
        String json = (String) invoke("socketsSinceJson", new Object[] {mark}, new String[] {long.class.getName()});
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
        } catch (JMException other) {
            throw new IllegalStateException("cannot ask the Socket Leak Detector agent: " + other, other);
        }
    }

    String version() {
        try {
            return String.valueOf(server.getAttribute(name, "Version"));
        } catch (JMException | RuntimeException unknown) {
            return "unknown";
        }
    }

    private static ObjectName objectName() {
        try {
            return new ObjectName(OBJECT_NAME);
        } catch (MalformedObjectNameException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
