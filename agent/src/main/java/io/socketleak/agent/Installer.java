package io.socketleak.agent;

import io.socketleak.agent.config.Options;
import io.socketleak.agent.instrument.HookStatus;
import io.socketleak.agent.instrument.Hooks;
import io.socketleak.agent.instrument.Instrumenter;
import io.socketleak.agent.instrument.TrackingSink;
import io.socketleak.agent.jmx.Publisher;
import io.socketleak.agent.jmx.SocketLeakDetector;
import io.socketleak.agent.kernel.Readings;
import io.socketleak.agent.kernel.SocketsBeforeHooks;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.Report;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import io.socketleak.agent.watch.BudgetWatch;
import io.socketleak.agent.watch.LeakWarnings;
import io.socketleak.bootstrap.SocketLeakEvents;
import io.socketleak.bootstrap.SocketLeakState;
import io.socketleak.protocol.Durations;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.function.Supplier;

/**
 * Wires the agent together, once the bridge is in {@code java.base}. Called by {@link Startup}
 * before the application's {@code main}: only what tracking needs is done here; the agent's
 * thread does the rest.
 */
public final class Installer {
    private Installer() {
    }

    static void install(Options options, Instrumentation inst, boolean attached) throws InterruptedException {
        HookStatus hooks = new HookStatus();
        // The hooks go in beside the rest of this start (it all ends before main): until the sink is
        // installed below, the few events of other agents' threads, if any, go to no one.
        Instrumenter.Pending pending = Instrumenter.start(inst, hooks);
        AgentLog log = AgentLog.open(options.log());
        TcpSettings tcp = TcpSettings.read(options.portRange(), options.timeWait());
        AgentThread.Alarm alarm = new AgentThread.Alarm();
        Tracker tracker = new Tracker(new TrackerSettings(options.exclude(), options.maxTracked(),
                options.closeWaitAfter(), tcp.timeWaitSeconds()), new LeakWarnings(log), alarm);
        Publisher mxBean = new Publisher(options.jmx(), log);
        TrackingSink sink = new TrackingSink(tracker, mxBean);
        SocketLeakEvents.install(sink);
        Snapshots snapshots = new Snapshots(tracker);
        Readings readings = new Readings(tcp, options.portRange(), options.timeWait());
        BudgetWatch budgets = new BudgetWatch(tracker, log, options.warnAt());
        Reporter reporter = new Reporter(snapshots, readings, new Health(hooks, snapshots, tracker), budgets);
        AgentThread agentThread = new AgentThread(tracker, reporter, readings, budgets, alarm, options, log);
        OptionChanges changes = new OptionChanges(options, agentThread, budgets, tracker, log);
        Instrumenter.Installation installation;
        try {
            installation = pending.await();
        } catch (RuntimeException | LinkageError e) {
            SocketLeakEvents.install(null); // whatever hooks took, they report to no one: the agent is off
            throw e;
        }
        // Only now: its first use loads the socket classes, which must load through the hooks' transformer.
        String missingHandles = SocketLeakState.missingHandles();
        if (!hooks.anyInstalled()) {
            SocketLeakEvents.install(null);
            log.warn("no hook could be installed, the agent is off: " + String.join("; ", hooks.missing()));
            return;
        }
        // Sockets can exist from before only if a socket class was loaded before the hooks went in: after
        // an attach, or when another agent opened some first. They are listed from the kernel's tables.
        boolean socketsBefore = installation.loadedBefore(Hooks.SOCKET_IMPL)
                || installation.loadedBefore(Hooks.CHANNEL);
        sink.hooksIn(hooks.allInstalled(Hooks.LINGER_SETS), socketsBefore);
        for (String missing : hooks.missing()) {
            log.warn("hook not installed, some sockets may go unseen: " + missing);
        }
        if (!missingHandles.isEmpty()) {
            log.warn("cannot read " + missingHandles + " on this JDK: close kinds may be less precise");
        }
        if (Boolean.getBoolean("jdk.net.usePlainSocketImpl")) {
            log.warn("-Djdk.net.usePlainSocketImpl is set: java.net.Socket is not tracked, only SocketChannel");
        }
        if (socketsBefore) {
            readings.socketsBeforeHooks(SocketsBeforeHooks.read(snapshots.openPortPairs()));
        }
        mxBean.ready(new SocketLeakDetector(reporter, snapshots, hooks, AgentMain.version(), changes));
        if (installation.loadedBefore(Hooks.MANAGEMENT)) {
            agentThread.atStart(new Runnable() { // it may exist already, made before the hook
                @Override
                public void run() {
                    mxBean.platformServerMayExist();
                }
            });
        }
        agentThread.start();
        Runtime.getRuntime().addShutdownHook(agentThread.exitHook());
        SocketLeakEvents.acceptOptionChanges(changes);
        log.info((attached ? "attached" : "started") + ": tracking TCP sockets ("
                + (hooks.allInstalled() ? "all " + hooks.describe().size() + " hooks installed" : "some hooks missing")
                + "); " + (options.interval().isZero() ? "no periodic summary (interval=0)"
                        : "summary every " + Durations.format(options.interval()))
                + (options.report() == null ? "" : (Reporter.isHtml(options.report()) ? ", HTML report to "
                        : ", JSON report to ") + options.report()));
    }

    /** The agent's own state, for the report. (A class, not a lambda: this is made before {@code main}.) */
    private static final class Health implements Supplier<Report.Health> {
        private final HookStatus hooks;
        private final Snapshots snapshots;
        private final Tracker tracker;

        Health(HookStatus hooks, Snapshots snapshots, Tracker tracker) {
            this.hooks = hooks;
            this.snapshots = snapshots;
            this.tracker = tracker;
        }

        @Override
        public Report.Health get() {
            return new Report.Health(List.copyOf(hooks.missing()), SocketLeakEvents.failures(),
                    SocketLeakEvents.firstFailure(), snapshots.stackWork(), hooks.onFirstLoad(),
                    tracker.origins().notCarried());
        }
    }
}
