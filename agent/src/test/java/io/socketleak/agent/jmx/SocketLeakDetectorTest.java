package io.socketleak.agent.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.config.RunningOptions;
import io.socketleak.agent.instrument.HookStatus;
import io.socketleak.agent.kernel.Readings;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.testing.ApplicationCode;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import io.socketleak.protocol.AgentProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MXBean's attributes for monitoring systems, over a tracker driven as the hooks drive it (plain
 * objects stand in for sockets: the tracker only uses their identity), read in Java and through an
 * MBean server the way a JMX client without the agent's classes reads them.
 */
class SocketLeakDetectorTest {
    private static final String CLIENT = "com.acme.Client";
    private static final InetSocketAddress HTTPS = address("10.0.0.5", 443);
    private static final InetSocketAddress HTTP = address("10.0.0.6", 80);
    /** 100 ports, no TIME_WAIT reuse: every active close holds a port for the whole TIME_WAIT. */
    private static final TcpSettings TCP = new TcpSettings(new PortRange(40000, 40099), 0, 60, 0, "test");
    /**
     * TIME_WAIT, as the tracker counts it, of an hour: the closes of a test are still in it however slowly
     * the test runs.
     */
    private static final int TIME_WAIT_SECONDS = 3600;

    private final Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, Duration.ofSeconds(30),
            TIME_WAIT_SECONDS), (leak, first) -> { }, () -> { });
    private final Snapshots snapshots = new Snapshots(tracker);
    private SocketLeakDetector detector;
    private final List<Object> held = new ArrayList<>();
    /** A server of the test's own (not the platform's): nothing else registered, nothing kept after. */
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private SocketLeakDetector detector(HookStatus hooks) {
        Reporter reporter = new Reporter(snapshots, new Readings(TCP, null, null), () -> null,
                () -> BudgetHistory.empty(0.8));
        return new SocketLeakDetector(reporter, snapshots, hooks, "1.2.3", options);
    }

    /** The running options, changed as the agent changes them (without the agent's thread and log). */
    private final RunningOptions options = new RunningOptions() {
        private Options current = Options.defaults();

        @Override
        public synchronized Options current() {
            return current;
        }

        @Override
        public synchronized String change(String agentArgs) throws BadOptionException {
            Options.Change change = current.with(agentArgs);
            current = change.options();
            return String.join(", ", change.applied());
        }
    };

    @BeforeEach
    void make() {
        detector = detector(new HookStatus());
    }

    @AfterEach
    void release() {
        held.clear();
    }

    /** Connects to {@code remote} from application code; the socket stays reachable for the test. */
    private Object connect(InetSocketAddress remote) {
        Object socket = new Object();
        held.add(socket);
        ApplicationCode.run(CLIENT, () -> tracker.opened(socket, remote, 50_000, false));
        return socket;
    }

    /** Closes first, as a client that is done with the connection: a TIME_WAIT on this side. */
    private void closeFirst(Object socket) {
        ApplicationCode.run(CLIENT, () -> tracker.closed(socket, 0));
    }

    private ObjectName registered(SocketLeakDetector bean) throws Exception {
        ObjectName name = new ObjectName(AgentProtocol.OBJECT_NAME);
        server.registerMBean(bean, name);
        return name;
    }

    @Test
    void eachDestinationIsARowOfItsPortsInUseKeyedByItsAddress() {
        closeFirst(connect(HTTPS));
        closeFirst(connect(HTTPS));
        connect(HTTPS);
        connect(HTTP);
        connect(HTTP);

        Map<String, DestinationPorts> rows = detector.getBusiestDestinations();

        assertEquals(List.of("10.0.0.5:443", "10.0.0.6:80"), List.copyOf(rows.keySet()), "most ports in use first");
        DestinationPorts https = rows.get("10.0.0.5:443");
        assertEquals(1, https.getOpen(), https.toString());
        assertEquals(2, https.getTimeWait(), https.toString());
        assertEquals(3, https.getPortsInUse(), https.toString());
        assertEquals(100, https.getPortCapacity(), https.toString());
        assertEquals(0.03, https.getUtilization(), 1e-9, https.toString());
        assertEquals(3, https.getOpened(), https.toString());
        assertEquals(2, https.getActiveCloses(), https.toString());
        DestinationPorts http = rows.get("10.0.0.6:80");
        assertEquals(2, http.getOpen(), http.toString());
        assertEquals(0, http.getTimeWait(), http.toString());
        assertEquals(2, http.getPortsInUse(), http.toString());
        assertEquals(0.02, http.getUtilization(), 1e-9, http.toString());
        assertEquals(0, http.getActiveCloses(), http.toString());
        assertEquals(0, http.getActiveClosesPerSecond(), http.toString());
        assertEquals(https.getUtilization(), detector.getWorstPortUtilization(), "the worst is the first row's");
    }

    @Test
    void onlyTheBusiestDestinationsAreListed() {
        int destinations = SocketLeakDetectorMXBean.BUSIEST_DESTINATIONS + 5;
        for (int i = 1; i <= destinations; i++) {
            for (int open = 0; open < i; open++) {
                connect(address("10.0.1." + i, 8080));
            }
        }

        Map<String, DestinationPorts> rows = detector.getBusiestDestinations();

        List<String> expected = new ArrayList<>();
        for (int i = destinations; expected.size() < SocketLeakDetectorMXBean.BUSIEST_DESTINATIONS; i--) {
            expected.add("10.0.1." + i + ":8080");
        }
        assertEquals(expected, List.copyOf(rows.keySet()));
        assertEquals(destinations, rows.get("10.0.1." + destinations + ":8080").getOpen());
    }

    @Test
    void noDestinationNoRow() {
        assertTrue(detector.getBusiestDestinations().isEmpty());
    }

    /** What jconsole or the Prometheus exporter sees: open types only, a table with one row per destination. */
    @Test
    void aJmxClientReadsTheDestinationsAsATableOfOpenTypes() throws Exception {
        closeFirst(connect(HTTPS));
        connect(HTTPS);
        ObjectName name = registered(detector);

        Object value = server.getAttribute(name, "BusiestDestinations");

        TabularData table = assertInstanceOf(TabularData.class, value);
        assertEquals(1, table.size());
        CompositeData row = table.get(new Object[] {"10.0.0.5:443"});
        assertNotNull(row, table.toString());
        CompositeData ports = (CompositeData) row.get("value");
        assertEquals(1, ports.get("open"));
        assertEquals(1L, ports.get("timeWait"));
        assertEquals(2L, ports.get("portsInUse"));
        assertEquals(100, ports.get("portCapacity"));
        assertEquals(0.02, (Double) ports.get("utilization"), 1e-9);
        assertEquals(2L, ports.get("opened"));
        assertEquals(1L, ports.get("activeCloses"));
        assertInstanceOf(Double.class, ports.get("activeClosesPerSecond"));
        for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
            Object openType = attribute.getDescriptor().getFieldValue("openType");
            assertInstanceOf(OpenType.class, openType, attribute.getName());
            if (attribute.getName().equals("BusiestDestinations")) {
                assertEquals(List.of("key"), ((TabularType) openType).getIndexNames());
            }
        }
    }

    @Test
    void missingHooksAreCountedForSystemsThatReadNumbersOnly() throws Exception {
        HookStatus noneInstalled = new HookStatus(); // as on a JDK where no hook found its method
        SocketLeakDetector bean = detector(noneInstalled);
        ObjectName name = registered(bean);

        int count = bean.getMissingHookCount();

        assertTrue(count > 0);
        assertEquals(bean.getMissingHooks().length, count);
        assertEquals(count, server.getAttribute(name, "MissingHookCount"));
    }

    @Test
    void theOptionsThatCanChangeAreReadableAndSettableAttributes() throws Exception {
        ObjectName name = new ObjectName(AgentProtocol.OBJECT_NAME);
        server.registerMBean(detector, name);
        assertEquals("1m", server.getAttribute(name, "Interval"), "the form the option takes");
        assertEquals("30s", server.getAttribute(name, "CloseWaitAfter"));
        assertEquals(0.8, server.getAttribute(name, "WarnAt"));
        assertEquals("stderr", server.getAttribute(name, "Log"));
        assertEquals("", server.getAttribute(name, "Report"));

        server.setAttribute(name, new javax.management.Attribute("Interval", "5s"));
        server.setAttribute(name, new javax.management.Attribute("WarnAt", 0.5));
        assertEquals("5s", server.getAttribute(name, "Interval"));
        assertEquals(0.5, server.getAttribute(name, "WarnAt"));
        assertEquals(Duration.ofSeconds(5), options.current().interval());
    }

    @Test
    void aBadValueSetThroughJmxChangesNothingAndSaysTheFormExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> detector.setInterval("xyz"));
        assertEquals("bad option 'interval=xyz': expected a duration like 30s", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> detector.setWarnAt(1.5));
        assertThrows(IllegalArgumentException.class, () -> detector.setLog("a,b"));
        assertEquals("1m", detector.getInterval());
        assertEquals(0.8, detector.getWarnAt());
    }
}
