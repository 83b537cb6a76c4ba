package io.socketleak.agent.watch;

import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.TextReport;
import io.socketleak.agent.jfr.FlightRecorderEvents;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Tracker;

/**
 * Logs a leak the moment it is found: the first at each call site in full, with its stack; later
 * ones at the same place are counted in the summaries, so a leak in a loop cannot flood the log.
 */
public final class LeakWarnings implements Tracker.LeakListener {
    private final AgentLog log;

    public LeakWarnings(AgentLog log) {
        this.log = log;
    }

    @Override
    public void leakFound(Leak leak, boolean firstAtCallSite) {
        FlightRecorderEvents.leakFound(leak);
        if (!firstAtCallSite) {
            return;
        }
        log.warn(TextReport.leakWarning(leak));
    }
}
