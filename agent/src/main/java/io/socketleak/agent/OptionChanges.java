package io.socketleak.agent;

import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import io.socketleak.agent.config.RunningOptions;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.watch.BudgetWatch;
import io.socketleak.bootstrap.SocketLeakEvents;
import io.socketleak.protocol.AgentProtocol;
import java.io.IOException;
import java.util.function.Function;

/**
 * Changes the options of the running agent: those of {@link Options#CHANGEABLE}, from an attach
 * with options (a second start of the agent, which asks through the bridge) or the MXBean's
 * attributes. All or nothing; each change is logged.
 */
public final class OptionChanges implements RunningOptions, Function<String, String> {
    private final AgentThread agentThread;
    private final BudgetWatch budgets;
    private final Tracker tracker;
    private final AgentLog log;
    private Options current; // guarded by this

    OptionChanges(Options options, AgentThread agentThread, BudgetWatch budgets, Tracker tracker, AgentLog log) {
        this.current = options;
        this.agentThread = agentThread;
        this.budgets = budgets;
        this.tracker = tracker;
        this.log = log;
    }

    /**
     * In a second start of the agent: hands the options to the running one and leaves its answer
     * where the command line reads it ({@link AgentProtocol#OPTIONS_CHANGE_PROPERTY}).
     */
    static void askRunningAgent(String args) {
        // The command line names its request ("change 4711-1:interval=2s"): it knows its own answer from
        // an earlier one, and from that of another command line at the same moment.
        String request = "";
        String options = args == null ? "" : args;
        if (options.startsWith(AgentProtocol.OPTIONS_CHANGE_PREFIX)) {
            int colon = options.indexOf(':');
            request = colon < 0 ? "" : options.substring(AgentProtocol.OPTIONS_CHANGE_PREFIX.length(), colon);
            options = colon < 0 ? "" : options.substring(colon + 1);
        }
        String answer;
        if (options.isBlank()) {
            answer = "nothing to change";
        } else {
            answer = SocketLeakEvents.changeOptions(options);
            if (answer == null) {
                answer = "refused: the agent in this JVM is still starting, or did not start";
            }
        }
        System.setProperty(AgentProtocol.OPTIONS_CHANGE_PROPERTY + "." + request, answer);
    }

    /** The answer to a second start: {@code changed key=value, ...} or {@code refused: reason}. */
    @Override
    public String apply(String args) {
        String refused;
        try {
            return "changed " + change(args);
        } catch (BadOptionException e) {
            refused = e.getMessage();
        } catch (RuntimeException e) {
            refused = e.toString(); // never into the attaching tool's JVM thread as an exception
        }
        log.warn("options not changed: " + refused);
        return "refused: " + refused;
    }

    @Override
    public synchronized String change(String args) throws BadOptionException {
        Options.Change change = current.with(args);
        Options next = change.options();
        if (!next.log().equals(current.log())) {
            try {
                log.moveTo(next.log());
            } catch (IOException e) {
                throw new BadOptionException("cannot open the log file " + e.getMessage());
            }
        }
        tracker.closeWaitAfter(next.closeWaitAfter());
        budgets.warnAt(next.warnAt());
        agentThread.options(next);
        current = next;
        String applied = String.join(", ", change.applied());
        log.info("options changed: " + applied);
        return applied;
    }

    @Override
    public synchronized Options current() {
        return current;
    }
}
