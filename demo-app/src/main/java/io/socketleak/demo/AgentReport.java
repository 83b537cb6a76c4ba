package io.socketleak.demo;

import io.socketleak.protocol.AgentProtocol;
import java.lang.management.ManagementFactory;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Asks the agent for its full text report through its MXBean, the same way jconsole or a
 * monitoring tool would: the demo needs nothing of the agent but the protocol's names (constants,
 * compiled in).
 */
final class AgentReport {
    static final String HOW_TO_ATTACH =
            "java -javaagent:agent/target/socket-leak-agent.jar=closeWaitAfter=2s -jar demo-app/target/socket-leak-demo.jar";

    private AgentReport() {
    }

    static void print() {
        try {
            Object report = ManagementFactory.getPlatformMBeanServer()
                    .invoke(new ObjectName(AgentProtocol.OBJECT_NAME), "report", null, null);
            System.out.println("demo: the agent's report:");
            System.out.println(report);
        } catch (InstanceNotFoundException e) {
            System.out.println("demo: the agent is not attached; to see what it finds, run: " + HOW_TO_ATTACH);
        } catch (JMException | RuntimeException e) {
            // e.g. an agent of another version: the demo itself still ran fine
            System.out.println("demo: could not get the agent's report: " + e);
        }
    }
}
