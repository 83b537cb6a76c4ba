package io.socketleak.agent.jfr;

import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.Snapshots;
import jdk.jfr.FlightRecorder;

/**
 * The agent's JDK Flight Recorder events. Each is committed only while a recording has it enabled.
 * Nothing of JFR is touched before the JVM's recorder has started: making a first event, or
 * registering a periodic one, would start JFR's machinery (a third of a second of CPU) for nobody.
 */
public final class FlightRecorderEvents {
    private static volatile boolean unavailable;

    private FlightRecorderEvents() {
    }

    /** Whether the JVM's flight recorder has started (a recording was asked for); false without JFR. */
    public static boolean recorderStarted() {
        if (unavailable) {
            return false;
        }
        try {
            return FlightRecorder.isInitialized();
        } catch (LinkageError e) { // a runtime without the jdk.jfr module
            unavailable = true;
            return false;
        }
    }

    /** Registers the periodic open-sockets gauge; the hook runs only while a recording wants it. */
    public static void registerGauge(Snapshots snapshots) {
        try {
            FlightRecorder.addPeriodicEvent(OpenSocketsEvent.class, () -> {
                // The same counts as every other output: one set of counters that adds up.
                Snapshot.Totals totals = snapshots.totals();
                OpenSocketsEvent event = new OpenSocketsEvent();
                event.open = totals.openSockets();
                event.opened = totals.counters().opened();
                event.activeCloses = totals.counters().activeCloses();
                event.leaks = totals.leaks();
                event.commit();
            });
        } catch (RuntimeException | LinkageError e) {
            // a JVM without JFR: no gauge
        }
    }

    public static void leakFound(Leak leak) {
        if (!recorderStarted()) {
            return;
        }
        LeakFoundEvent event = new LeakFoundEvent();
        if (event.isEnabled()) {
            event.kind = leak.kind().jsonName();
            event.remote = leak.remote();
            event.blame = leak.site().blame();
            event.frames = String.join("\n", leak.site().frames());
            event.ageMillis = leak.ageMillis();
            event.thread = leak.thread();
            event.commit();
        }
    }

    public static void portWarning(PortBudget budget) {
        if (!recorderStarted()) {
            return;
        }
        BudgetWarningEvent event = new BudgetWarningEvent();
        if (event.isEnabled()) {
            event.budget = budget.remote();
            event.used = budget.portsInUse();
            event.capacity = budget.capacity();
            event.utilization = budget.utilization();
            event.activeClosesPerSecond = budget.activeClosesPerSecond();
            event.blame = budget.topCallSites().isEmpty() ? null : budget.topCallSites().get(0).blame();
            event.commit();
        }
    }

    public static void descriptorWarning(long open, long max) {
        if (!recorderStarted()) {
            return;
        }
        BudgetWarningEvent event = new BudgetWarningEvent();
        if (event.isEnabled()) {
            event.budget = "file descriptors";
            event.used = open;
            event.capacity = max;
            event.utilization = max > 0 ? (double) open / max : 0;
            event.commit();
        }
    }
}
