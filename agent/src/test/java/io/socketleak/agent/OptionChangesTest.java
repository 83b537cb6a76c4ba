package io.socketleak.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.agent.config.BadOptionException;
import io.socketleak.agent.config.Options;
import io.socketleak.agent.config.PortRange;
import io.socketleak.agent.kernel.Readings;
import io.socketleak.agent.kernel.TcpSettings;
import io.socketleak.agent.report.AgentLog;
import io.socketleak.agent.report.Reporter;
import io.socketleak.agent.tracking.Snapshots;
import io.socketleak.agent.tracking.Tracker;
import io.socketleak.agent.tracking.TrackerSettings;
import io.socketleak.agent.watch.BudgetWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running agent's options changed all or nothing, each change and each refusal in its log. */
class OptionChangesTest {
    @TempDir
    Path dir;

    private OptionChanges changes(Path log) throws Exception {
        Options options = Options.parse("interval=0,log=" + log, Map.of(), Map.of());
        Tracker tracker = new Tracker(new TrackerSettings(List.of(), 100_000, options.closeWaitAfter()),
                (leak, first) -> { }, () -> { });
        TcpSettings tcp = new TcpSettings(new PortRange(40000, 40099), 0, 60, 0, "test");
        AgentLog agentLog = AgentLog.open(options.log());
        BudgetWatch budgets = new BudgetWatch(tracker, agentLog, options.warnAt());
        AgentThread thread = new AgentThread(tracker, new Reporter(new Snapshots(tracker), new Readings(tcp, null, null),
                () -> null, budgets), new Readings(tcp, null, null), budgets, new AgentThread.Alarm(), options, agentLog);
        return new OptionChanges(options, thread, budgets, tracker, agentLog);
    }

    @Test
    void changesAreAppliedAndLoggedAndTheLogMovesToTheNewFile() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        OptionChanges changes = changes(first);

        assertEquals("changed interval=2s, warnAt=0.5", changes.apply("interval=2s,warnAt=0.5"));
        assertEquals(Duration.ofSeconds(2), changes.current().interval());
        assertTrue(Files.readString(first).contains("INFO socket-leak-agent - options changed: interval=2s, warnAt=0.5"));

        assertEquals("changed log=" + second, changes.apply("log=" + second));
        assertTrue(Files.readString(second).contains("options changed: log=" + second), "logged where it now goes");
        assertEquals(second.toString(), changes.current().log());
    }

    @Test
    void aLogThatCannotBeOpenedChangesNothingAndTheRefusalIsLogged() throws Exception {
        Path log = dir.resolve("agent.log");
        OptionChanges changes = changes(log);
        String missing = dir.resolve("no/such/dir/agent.log").toString();

        BadOptionException e = assertThrows(BadOptionException.class,
                () -> changes.change("interval=5s,log=" + missing));
        assertTrue(e.getMessage().startsWith("cannot open the log file " + missing), e.getMessage());
        assertEquals(Duration.ZERO, changes.current().interval(), "all or nothing");
        assertEquals(log.toString(), changes.current().log());

        String answer = changes.apply("maxTracked=5");
        assertTrue(answer.startsWith("refused: maxTracked is fixed at start"), answer);
        assertTrue(Files.readString(log).contains("WARN socket-leak-agent - options not changed: maxTracked is fixed"),
                Files.readString(log));
    }

    @Test
    void anEmptyReportTurnsTheReportFileOff() throws Exception {
        OptionChanges changes = changes(dir.resolve("agent.log"));
        changes.change("report=" + dir.resolve("r.json"));
        assertEquals(dir.resolve("r.json").toString(), changes.current().report());
        changes.change("report=");
        assertNull(changes.current().report());
    }
}
