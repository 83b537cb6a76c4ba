package io.socketleak.agent;

import io.socketleak.agent.config.Options;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.Report;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.report.SummaryLine;
import io.socketleak.agent.report.TextReport;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.bootstrap.SocketEvents;
import java.nio.file.Path;

/**
 * The agent's one background thread: processes what the hooks queued (stacks, collected sockets,
 * CLOSE_WAIT deadlines), logs the periodic summary, rewrites the report file, and reports at exit.
 */
final class DetectorThread extends Thread {
    /** How often queued work is processed: the delay before a leak is noticed. */
    private static final long TICK_MILLIS = 200;

    private final Tracker tracker;
    private final Reporter reporter;
    private final Options options;
    private final AgentLog log;
    private volatile boolean stopped;

    DetectorThread(Tracker tracker, Reporter reporter, Options options, AgentLog log) {
        super(Installer.NAME);
        setDaemon(true);
        this.tracker = tracker;
        this.reporter = reporter;
        this.options = options;
        this.log = log;
    }

    @Override
    public void run() {
        SocketEvents.ignoreCurrentThread();
        long interval = options.interval().toMillis();
        long nextSummary = System.currentTimeMillis() + interval;
        while (!stopped) {
            try {
                Thread.sleep(TICK_MILLIS);
                tracker.process();
                if (interval > 0 && System.currentTimeMillis() >= nextSummary) {
                    nextSummary = System.currentTimeMillis() + interval;
                    Report report = reporter.report();
                    log.info(SummaryLine.render(report));
                    writeReportFile(report);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                log.warn("internal error, tracking continues: " + t);
            }
        }
    }

    /** Runs as a shutdown hook: the last summary, the report file, and {@code failOnLeak}. */
    void atExit() {
        SocketEvents.ignoreCurrentThread();
        stopped = true;
        try {
            Report report;
            if (options.failOnLeak()) {
                // Give the collector a chance to reveal sockets that were dropped without close().
                System.gc();
                Thread.sleep(100);
                report = reporter.exitReport();
            } else {
                report = reporter.report();
            }
            writeReportFile(report);
            log.info("at exit: " + SummaryLine.render(report));
            if (report.leakCount() > 0 && options.failOnLeak()) {
                log.error("socket leaks found (failOnLeak: exit status 3):\n" + TextReport.render(report));
                System.err.flush();
                Runtime.getRuntime().halt(3);
            } else if (report.leakCount() > 0) {
                log.warn("socket leaks found:\n" + TextReport.renderLeaks(report));
            }
        } catch (Throwable t) {
            log.warn("could not report at exit: " + t);
        }
    }

    private void writeReportFile(Report report) {
        if (options.report() == null) {
            return;
        }
        try {
            Reporter.writeJson(report, Path.of(options.report()));
        } catch (Exception e) {
            log.warn("cannot write report to " + options.report() + ": " + e);
        }
    }
}
