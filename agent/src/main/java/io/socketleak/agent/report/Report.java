package io.socketleak.agent.report;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.kernel.FileDescriptors;
import io.socketleak.agent.kernel.SocketsBeforeHooks;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.agent.tracking.StackWork;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One report: what tracking saw, plus the process's descriptors, the kernel's TCP settings and the
 * agent's own health. Immutable; rendered by {@link TextReport} and {@link JsonReport}.
 *
 * @param atExit    whether this is the report made as the JVM exits (its shutdown hook)
 * @param stillOpen sockets open at exit, as leaks; empty except in the exit report with {@code failOnLeak}
 * @param budgets   the port budget of each of {@code sockets.destinations()}, in the same order
 * @param kernel    the last reading of the kernel's connection table, or null where there is none
 * @param socketsBeforeHooks sockets open before the hooks went in and still open (no stack; the JSON's
 *                  {@code openedBeforeAttach}); null when none could have come before the hooks
 * @param history   the budgets over the last 15 minutes, a sample a second
 * @param openAtExit sockets still open as the JVM exits, by call site (those already a {@code closeWait}
 *                  leak left out: one leak is one leak); null except in the exit report
 */
public record Report(long pid, Instant time, boolean atExit, Snapshot sockets, List<Leak> stillOpen, List<PortBudget> budgets,
                     FileDescriptors fileDescriptors, TcpSettings tcp, KernelReading kernel,
                     List<SocketsBeforeHooks.Socket> socketsBeforeHooks, Health health,
                     BudgetHistory.View history, List<Leak> openAtExit) {

    /** When and how the kernel's table was last read: its size and the time the read took. */
    public record KernelReading(long connections, double scanMillis, long ageMillis) {
    }

    /**
     * The agent's own state: what it could not do, and what it kept from the application.
     *
     * @param missingHooks      hooks that did not take on this JDK, with reasons
     * @param swallowedFailures failures inside the agent that were kept from the application
     * @param firstFailure      the first of those, or null
     * @param stacks            how allocation stacks were turned into call sites
     * @param hooksOnFirstLoad  the hooks of classes rewritten as they load (asynchronous channels, the
     *                          libraries' hand-off points), each with its state
     * @param notCarried        hand-offs whose stack was not carried, past the bound of those in flight
     */
    public record Health(List<String> missingHooks, long swallowedFailures, String firstFailure,
                         StackWork stacks, List<String> hooksOnFirstLoad, long notCarried) {
    }

    /** Every leak in the report: those found while running, then the sockets still open at exit. */
    public List<Leak> allLeaks() {
        List<Leak> all = new ArrayList<>(sockets.leaks());
        all.addAll(stillOpen);
        return all;
    }

    public long leakCount() {
        long n = 0;
        for (Leak leak : allLeaks()) {
            n += leak.count();
        }
        return n;
    }
}
