package io.socketleak.it.apps;

import com.sun.tools.attach.VirtualMachine;
import io.socketleak.protocol.AgentProtocol;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A plain JMX client with none of the agent's classes: reads the MXBean of the JVM whose pid it is
 * given, through the JDK's local management agent, and prints what it read.
 */
public final class JmxClient {
    // The address is the target JVM's own local management agent, as jconsole reaches it: nothing from
    // outside reaches the connect that Error Prone's JNDI check fears.
    @SuppressWarnings("BanJNDI")
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        String address = vm.startLocalManagementAgent();
        vm.detach();
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(AgentProtocol.OBJECT_NAME);
            System.out.println("OpenSockets=" + server.getAttribute(name, "OpenSockets"));
            System.out.println("Opened=" + server.getAttribute(name, "Opened"));
            System.out.println("MissingHooks=" + ((String[]) server.getAttribute(name, "MissingHooks")).length);
            System.out.println("Version=" + server.getAttribute(name, "Version"));
            System.out.println("WorstPortUtilization=" + server.getAttribute(name, "WorstPortUtilization"));
            System.out.println("MissingHookCount=" + server.getAttribute(name, "MissingHookCount"));
            for (Object row : ((TabularData) server.getAttribute(name, "BusiestDestinations")).values()) {
                CompositeData destination = (CompositeData) row;
                CompositeData ports = (CompositeData) destination.get("value");
                System.out.println("destination " + destination.get("key") + " open=" + ports.get("open")
                        + " portsInUse=" + ports.get("portsInUse"));
            }
            System.out.println("reportJson=" + server.invoke(name, "reportJson", null, null));
        }
    }
}
