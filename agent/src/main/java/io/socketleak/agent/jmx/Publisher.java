package io.socketleak.agent.jmx;

import io.socketleak.agent.report.AgentLog;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.management.MBeanServer;

/**
 * Registers the agent's MXBean in the platform MBean server once that server exists: somebody made it
 * (a JMX client, jcmd, the command line's {@code report}, the application itself). The agent never
 * makes it for nobody: that would cost a third of a second of CPU and 10 MB at every start.
 */
public final class Publisher implements Consumer<Object> {
    private final boolean wanted;
    private final AgentLog log;
    private final AtomicBoolean published = new AtomicBoolean();
    private volatile SocketLeakDetector bean;
    private volatile MBeanServer server;

    /** @param wanted the {@code jmx} option */
    public Publisher(boolean wanted, AgentLog log) {
        this.wanted = wanted;
        this.log = log;
    }

    /** The MXBean, once the agent is wired up; the server may have come first. */
    public void ready(SocketLeakDetector detector) {
        bean = detector;
        publish();
    }

    /** The platform MBean server was just made (the hook on {@code getPlatformMBeanServer}). */
    @Override
    public void accept(Object platformServer) {
        if (platformServer instanceof MBeanServer mbeans) {
            server = mbeans;
            publish();
        }
    }

    /** Management was in use before the hook went in: the server may already exist. */
    public void platformServerMayExist() {
        if (wanted) {
            accept(ManagementFactory.getPlatformMBeanServer());
        }
    }

    private void publish() {
        SocketLeakDetector detector = bean;
        MBeanServer mbeans = server;
        if (wanted && detector != null && mbeans != null && published.compareAndSet(false, true)) {
            detector.registerIn(mbeans, log);
        }
    }
}
