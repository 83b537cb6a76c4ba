package io.socketleak.agent;

import io.socketleak.agent.config.Options;
import io.socketleak.agent.jfr.FlightRecorderEvents;
import io.socketleak.agent.kernel.KernelTcpTable;
import io.socketleak.agent.kernel.ProcFiles;
import io.socketleak.agent.kernel.Readings;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.Report;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.report.SummaryLine;
import io.socketleak.agent.report.TextReport;
import io.socketleak.agent.tracking.Exhaustion;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.watch.BudgetWatch;
import io.socketleak.bootstrap.SocketLeakEvents;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's one background thread: processes what the hooks queued (stacks, collected sockets,
 * CLOSE_WAIT deadlines), watches the port and descriptor budgets, reads the kernel's connection
 * table, logs the periodic summary, rewrites the report file, and reports at exit.
 */
final class AgentThread extends Thread {
    /** The thread's name, as thread dumps show it. */
    static final String NAME = "socket-leak-agent";
    /** How often queued work is processed: the delay before a leak is noticed. */
    private static final long TICK_MILLIS = 100;
    private static final long BUDGET_CHECK_MILLIS = 1000;
    private static final long SETTINGS_REFRESH_MILLIS = 60_000;
    /**
     * The kernel's table is read at least this far apart, and far enough to cost 0.4% of a core at
     * most: a host with 130,000 connections in its table takes over half a second to print it. The
     * view read in between ages honestly (its TIME_WAIT entries leave on their own timers).
     */
    private static final long KERNEL_SCAN_MILLIS = 2000;
    private static final long KERNEL_SCAN_COST_FACTOR = 250;
    /** But at least this often, so that a CLOSE_WAIT on the busiest host is still found within minutes. */
    private static final long KERNEL_SCAN_MAX_MILLIS = 300_000;
    private static final String THREAD_SCHEDSTAT = "/proc/thread-self/schedstat";
    /** One full report per burst of refused connects. */
    private static final long FAILURE_REPORT_MILLIS = 10_000;

    /** Raised on application threads (a budget line crossed, a connect refused); wakes this thread. */
    static final class Alarm implements Runnable {
        private final AtomicBoolean raised = new AtomicBoolean();
        private volatile Thread waiter;

        @Override
        public void run() {
            if (!raised.getAndSet(true)) {
                Thread t = waiter;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }

        boolean takeRaised() {
            return raised.getAndSet(false);
        }
    }

    private final Tracker tracker;
    private final Reporter reporter;
    private final Readings readings;
    private final BudgetWatch budgets;
    private final Alarm alarm;
    /** Its interval and report path can change at run time ({@link OptionChanges}). */
    private volatile Options options;
    private final AtomicBoolean intervalChanged = new AtomicBoolean();
    private final AgentLog log;
    private final KernelTcpTable kernel = KernelTcpTable.available() ? new KernelTcpTable() : null;
    private volatile boolean stopped;
    private final Object reportFileLock = new Object();
    private boolean gaugeRegistered;
    private final java.util.List<Runnable> atStart = new java.util.ArrayList<>();
    private long exhaustionsSeen;
    private long lastFailureReport = Long.MIN_VALUE / 2;
    private long scanDelay = KERNEL_SCAN_MILLIS;

    AgentThread(Tracker tracker, Reporter reporter, Readings readings, BudgetWatch budgets, Alarm alarm,
                Options options, AgentLog log) {
        super(NAME);
        setDaemon(true);
        this.tracker = tracker;
        this.reporter = reporter;
        this.readings = readings;
        this.budgets = budgets;
        this.alarm = alarm;
        this.options = options;
        this.log = log;
    }

    /** New options (interval, report) from now on; a new interval puts the next summary one interval away. */
    void options(Options changed) {
        boolean newInterval = !changed.interval().equals(options.interval());
        options = changed;
        if (newInterval) {
            intervalChanged.set(true);
            LockSupport.unpark(this);
        }
    }

    /** Work for this thread's first moment, kept off the application's start-up. Before {@link #start()}. */
    void atStart(Runnable task) {
        atStart.add(task);
    }

    @Override
    public void run() {
        SocketLeakEvents.ignoreCurrentThread();
        alarm.waiter = this;
        for (Runnable task : atStart) {
            try {
                task.run();
            } catch (Throwable t) {
                log.warn("internal error at start, tracking continues: " + t);
            }
        }
        long interval = options.interval().toMillis();
        long now = System.currentTimeMillis();
        long nextSummary = now + interval;
        long nextBudgetCheck = now;
        long nextKernelScan = now;
        long nextSettings = now + SETTINGS_REFRESH_MILLIS;
        while (!stopped) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
            if (Thread.interrupted()) {
                return;
            }
            try {
                boolean alarmed = alarm.takeRaised();
                if (intervalChanged.getAndSet(false)) {
                    interval = options.interval().toMillis();
                    nextSummary = System.currentTimeMillis() + interval;
                }
                tracker.process();
                if (!gaugeRegistered && FlightRecorderEvents.recorderStarted()) {
                    gaugeRegistered = true;
                    FlightRecorderEvents.registerGauge(new Snapshots(tracker));
                }
                now = System.currentTimeMillis();
                if (alarmed) {
                    reportExhaustion(now);
                }
                if (kernel != null && now >= nextKernelScan) {
                    nextKernelScan = now + scanKernel();
                }
                if (alarmed || now >= nextBudgetCheck) {
                    // Just after each whole second: the history's sample of every second, none skipped by drift.
                    nextBudgetCheck = now - now % BUDGET_CHECK_MILLIS + BUDGET_CHECK_MILLIS;
                    budgets.check(readings.tcpSettings(), readings.kernelView(), readings.readFileDescriptors());
                }
                if (now >= nextSettings) {
                    nextSettings = now + SETTINGS_REFRESH_MILLIS;
                    readings.refreshTcpSettings();
                }
                if (interval > 0 && now >= nextSummary) {
                    nextSummary = now + interval;
                    Report report = reporter.report();
                    log.info(SummaryLine.render(report));
                    writeReportFile(report);
                }
            } catch (Throwable t) {
                log.warn("internal error, tracking continues: " + t);
            }
        }
    }

    /** Reads the kernel's table; returns the delay until the next read. */
    private long scanKernel() {
        try {
            long wallStart = System.nanoTime();
            long cpuStart = threadCpuNanos();
            KernelTcpTable.View view = kernel.scan();
            readings.kernelView(view);
            tracker.peerClosedPerKernel(view.closeWait());
            long cpuEnd = cpuStart < 0 ? -1 : threadCpuNanos();
            long took = cpuEnd < 0 ? System.nanoTime() - wallStart : cpuEnd - cpuStart;
            scanDelay = delayAfter(TimeUnit.NANOSECONDS.toMillis(took), scanDelay);
            return scanDelay;
        } catch (Exception e) {
            return KERNEL_SCAN_MILLIS; // out of descriptors, say: try again later
        }
    }

    /**
     * This thread's CPU time (user and system, the kernel printing the table included), from the
     * scheduler's statistics; -1 where it cannot be read, and then a read of the kernel's table is
     * timed with the wall clock, which on a busy machine also counts the time spent waiting for a
     * core and spaces reads out for no saving. (Not the JVM's ThreadMXBean: loading the management
     * classes for it costs more than all the reads of an ordinary host.)
     */
    private static long threadCpuNanos() {
        try {
            String stat = ProcFiles.read(THREAD_SCHEDSTAT);
            int end = stat.indexOf(' ');
            return Long.parseLong(end < 0 ? stat.trim() : stat.substring(0, end));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The delay after a read that took this long, when the one before was {@code previousDelay}: it
     * grows at most twofold per read. A JVM's first reads run interpreted and take many times what the
     * same read takes once compiled: alone they would put the next read minutes away.
     */
    static long delayAfter(long tookMillis, long previousDelay) {
        return Math.min(delayAfterScan(tookMillis), Math.max(KERNEL_SCAN_MILLIS, 2 * previousDelay));
    }

    /** How long to wait before reading the kernel's table again, after a read that took this long. */
    static long delayAfterScan(long tookMillis) {
        return Math.min(KERNEL_SCAN_MAX_MILLIS, Math.max(KERNEL_SCAN_MILLIS, tookMillis * KERNEL_SCAN_COST_FACTOR));
    }

    /** The kernel refused a connect: the full report, from memory (no descriptor needed), once per burst. */
    private void reportExhaustion(long now) {
        long exhaustions = tracker.exhaustions(Exhaustion.PORTS) + tracker.exhaustions(Exhaustion.FILE_DESCRIPTORS);
        if (exhaustions == exhaustionsSeen) {
            return;
        }
        exhaustionsSeen = exhaustions;
        if (now - lastFailureReport < FAILURE_REPORT_MILLIS) {
            return;
        }
        lastFailureReport = now;
        Report report = reporter.reportFromMemory();
        log.error("the kernel refused a connection (" + report.sockets().exhaustions().lastMessage()
                + "); report at the failure:\n" + TextReport.render(report));
    }

    /** The shutdown hook that runs {@link #atExit()}. */
    Thread exitHook() {
        return new Thread(NAME + "-exit") {
            @Override
            public void run() {
                atExit();
            }
        };
    }

    /** Runs as a shutdown hook: the last summary, the report file, and {@code failOnLeak}. */
    void atExit() {
        SocketLeakEvents.ignoreCurrentThread();
        stopped = true;
        try {
            if (options.failOnLeak()) {
                // Give the collector a chance to reveal sockets that were dropped without close().
                System.gc();
                Thread.sleep(100);
            }
            Report report = reporter.exitReport(options.failOnLeak());
            writeReportFile(report);
            log.info("at exit: " + SummaryLine.render(report));
            if (report.leakCount() > 0 && options.failOnLeak()) {
                log.error("socket leaks found (failOnLeak: exit status 3):\n" + TextReport.render(report));
                System.err.flush();
                Runtime.getRuntime().halt(3);
            } else if (report.leakCount() > 0) {
                log.warn("socket leaks found:\n" + TextReport.renderLeakLines(report));
            }
        } catch (Throwable t) {
            log.warn("could not report at exit: " + t);
        }
    }

    /**
     * One writer at a time: the exit report must not be overtaken by a periodic one that began before
     * it, nor a periodic one start after it ({@code stopped}).
     */
    private void writeReportFile(Report report) {
        // A lock of its own: a Thread's monitor is the JVM's too (join, exit).
        synchronized (reportFileLock) {
            String path = options.report();
            if (path == null || (stopped && !report.atExit())) {
                return;
            }
            try {
                Reporter.write(report, Path.of(path));
            } catch (Exception | LinkageError | StackOverflowError e) {
                // The page's drawing included: whatever fails, one line, and the application runs on.
                log.warn("cannot write report to " + path + ": " + e);
            }
        }
    }
}
