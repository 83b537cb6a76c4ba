package io.socketleak.agent;

import io.socketleak.agent.config.Durations;
import io.socketleak.agent.config.Options;
import io.socketleak.agent.instrument.HookStatus;
import io.socketleak.agent.instrument.Hooks;
import io.socketleak.agent.instrument.Instrumenter;
import io.socketleak.agent.instrument.TrackingSink;
import io.socketleak.agent.jfr.FlightRecorderEvents;
import io.socketleak.agent.jmx.SocketLeakDetector;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.BudgetWatch;
import io.socketleak.agent.report.LeakWarnings;
import io.socketleak.agent.report.Report;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.tcp.SocketsBeforeAttach;
import io.socketleak.agent.tcp.TcpSettings;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import io.socketleak.bootstrap.JdkSockets;
import io.socketleak.bootstrap.SocketEvents;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Wires the agent together once the bridge is on the boot class path. Called by {@link AgentMain}. */
public final class Installer {
    static final String NAME = "socket-leak-agent";

    private Installer() {
    }

    public static void install(Options options, Instrumentation inst, boolean attached) {
        // Byte Buddy then avoids sun.misc.Unsafe (JDK 24+ warns about it). The key is relocated with Byte Buddy.
        System.setProperty("net.bytebuddy.safe", "true");
        openJdkInternalsToBridge(inst);
        AgentLog log = AgentLog.open(options.log());
        TcpSettings tcp = TcpSettings.read(options.portRange(), options.timeWait());
        DetectorThread.Alarm alarm = new DetectorThread.Alarm();
        Tracker tracker = new Tracker(new TrackerSettings(withOwnExclusions(options.exclude()), options.maxTracked(),
                options.closeWaitAfter(), tcp.timeWaitSeconds()), new LeakWarnings(log), alarm);
        // Sockets open before the hooks take (all of them after an attach; those of a JVM's first moments,
        // as the hooks go in beside its start-up) are listed from the kernel's tables, without a stack.
        List<SocketsBeforeAttach.Socket> openBeforeHooks = SocketsBeforeAttach.read();
        TrackingSink sink = new TrackingSink(tracker);
        SocketEvents.install(sink);
        HookStatus hooks;
        try {
            hooks = Instrumenter.install(inst);
        } catch (RuntimeException | LinkageError e) {
            SocketEvents.install(null); // whatever hooks took, they report to no one: the agent is off
            throw e;
        }
        if (hooks.allInstalled(Hooks.LINGER_SET)) {
            sink.madeBeforeHooks(SocketsBeforeAttach.tcpDescriptorsNow());
        } else {
            sink.madeBeforeHooks(null); // SO_LINGER sets go unseen: every close reads it
        }
        for (String missing : hooks.missing()) {
            log.warn("hook not installed, some sockets may go unseen: " + missing);
        }
        String missingHandles = JdkSockets.missingHandles();
        if (!missingHandles.isEmpty()) {
            log.warn("cannot read " + missingHandles + " on this JDK: close kinds may be less precise");
        }
        if (Boolean.getBoolean("jdk.net.usePlainSocketImpl")) {
            log.warn("-Djdk.net.usePlainSocketImpl is set: java.net.Socket is not tracked, only SocketChannel");
        }
        Reporter reporter = new Reporter(tracker, () -> health(hooks, tracker), tcp, options.portRange(),
                options.timeWait());
        reporter.socketsBeforeAttach(openBeforeHooks);
        FlightRecorderEvents.registerGauge(tracker);
        DetectorThread detector = new DetectorThread(tracker, reporter,
                new BudgetWatch(tracker, log, options.warnAt()), alarm, options, log);
        detector.start();
        Runtime.getRuntime().addShutdownHook(new Thread(detector::atExit, NAME + "-exit"));
        if (options.jmx()) {
            SocketLeakDetector.register(reporter, tracker, hooks, AgentMain.version(), log);
        }
        log.info((attached ? "attached" : "started") + ": tracking TCP sockets ("
                + (hooks.allInstalled() ? "all " + hooks.describe().size() + " hooks installed" : "some hooks missing")
                + "); summary every " + (options.interval().isZero() ? "never" : Durations.format(options.interval()))
                + (options.report() == null ? "" : ", JSON report to " + options.report()));
    }

    /**
     * The JDK's RMI accept loop serves the local JMX connector that {@code report <pid>} starts: its
     * connections are the agent's own. (An application's own RMI server is left out with it.)
     */
    static List<String> withOwnExclusions(List<String> exclude) {
        List<String> all = new java.util.ArrayList<>(exclude);
        all.add("sun.rmi.transport.tcp.TCPTransport$AcceptLoop");
        return List.copyOf(all);
    }

    static Report.Health health(HookStatus hooks, Tracker tracker) {
        Throwable first = SocketEvents.firstFailure();
        return new Report.Health(List.copyOf(hooks.missing()), SocketEvents.failures(),
                first == null ? null : first.toString(), tracker.stackWork());
    }

    /**
     * Lets the bridge read socket internals ({@code sun.nio.ch}, {@code java.net}) and raw stacks
     * ({@code java.lang}), and lets {@code java.base} call the bridge. Only the boot loader's unnamed
     * module gains access: the application's own code sees no change.
     */
    private static void openJdkInternalsToBridge(Instrumentation inst) {
        Module javaBase = Object.class.getModule();
        Module bridge = SocketEvents.class.getModule();
        inst.redefineModule(javaBase, Set.of(bridge), Map.of(),
                Map.of("sun.nio.ch", Set.of(bridge), "java.net", Set.of(bridge), "java.lang", Set.of(bridge)),
                Set.of(), Map.of());
    }
}
