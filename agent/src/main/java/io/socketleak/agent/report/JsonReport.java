package io.socketleak.agent.report;

import io.socketleak.agent.budget.BudgetHistory;
import io.socketleak.agent.budget.PortBudget;
import io.socketleak.agent.kernel.SocketsBeforeHooks;
import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Scope;
import io.socketleak.agent.tracking.Snapshot;
import io.socketleak.protocol.AgentProtocol.ScopeJson;
import java.util.List;

/** The machine-readable report. Field names are part of the product's contract (schema 1). */
public final class JsonReport {
    public static final int SCHEMA = 1;

    private JsonReport() {
    }

    /** Four significant decimals are plenty for ratios and rates, and keep the file readable. */
    static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    /** A scope: the sockets opened since a mark (or between two) that leaked, and those still open. */
    public static String render(Scope scope) {
        Json json = new Json().beginObject()
                .field(ScopeJson.SCHEMA, ScopeJson.SCHEMA_VERSION)
                .field(ScopeJson.MARK, scope.markNanos());
        json.name(ScopeJson.END);
        if (scope.endNanos() == null) {
            json.nullValue();
        } else {
            json.value(scope.endNanos());
        }
        json.field(ScopeJson.COMPLETE, scope.complete());
        json.name(ScopeJson.LEAKS).beginArray();
        for (Scope.LeakEvent leak : scope.leaks()) {
            json.beginObject()
                    .field(ScopeJson.SOCKET, leak.socket())
                    .field(ScopeJson.KIND, leak.kind().jsonName());
            socket(json, leak.remote(), leak.inbound(), leak.ageMillis(), leak.thread(), leak.site());
        }
        json.endArray();
        json.name(ScopeJson.OPEN).beginArray();
        for (Scope.OpenSocket socket : scope.open()) {
            json.beginObject().field(ScopeJson.SOCKET, socket.socket());
            socket(json, socket.remote(), socket.inbound(), socket.ageMillis(), socket.thread(), socket.site());
        }
        json.endArray();
        return json.endObject().toString();
    }

    /** The rest of a scope's socket entry, and its end. */
    private static void socket(Json json, String remote, boolean inbound, long ageMillis, String thread,
                               Leak.CallSiteRef site) {
        json.field(ScopeJson.REMOTE, remote)
                .field(ScopeJson.INBOUND, inbound)
                .field(ScopeJson.AGE_MILLIS, ageMillis)
                .field(ScopeJson.THREAD, thread)
                .field(ScopeJson.BLAME, site.blame())
                .field(ScopeJson.APPLICATION_LINE, site.applicationLine())
                .field(ScopeJson.ORIGIN, site.origin())
                .strings(ScopeJson.FRAMES, site.frames())
                .endObject();
    }

    public static String render(Report report) {
        Snapshot s = report.sockets();
        Snapshot.Counters c = s.counters();
        Json json = new Json().beginObject()
                .field("schema", SCHEMA)
                .field("pid", report.pid())
                .field("time", report.time().toString())
                .field("atExit", report.atExit())
                .field("openSockets", s.openSockets())
                .field("notStoredOpen", s.notStoredOpen())
                .field("listening", s.listening());
        json.name("counters").beginObject()
                .field("opened", c.opened())
                .field("closed", c.closed())
                .field("activeCloses", c.activeCloses())
                .field("passiveCloses", c.passiveCloses())
                .field("abortiveCloses", c.abortiveCloses())
                .field("collectedUnclosed", c.collectedUnclosed())
                .field("closeWaitLeaks", c.closeWaitLeaks())
                .field("notStored", c.notStored())
                .field("closedUnseen", c.closedUnseen())
                .name("closedUnseenByKind").beginObject()
                .field("active", c.unseenActive())
                .field("passive", c.unseenPassive())
                .field("abortive", c.unseenAbortive())
                .endObject()
                .field("excluded", c.excluded())
                .endObject();
        json.name("callSites").beginArray();
        for (Snapshot.CallSiteStats site : s.callSites()) {
            json.beginObject()
                    .strings("frames", site.frames())
                    .field("blame", site.blame())
                    .field("applicationLine", site.applicationLine())
                    .field("origin", site.origin())
                    .field("open", site.open())
                    .field("opened", site.opened())
                    .field("oldestOpenMillis", site.oldestOpenMillis())
                    .field("activeCloses", site.activeCloses())
                    .field("passiveCloses", site.passiveCloses())
                    .field("abortiveCloses", site.abortiveCloses())
                    .field("collected", site.collected())
                    .field("closeWait", site.closeWait())
                    .strings("remotes", site.remotes())
                    .endObject();
        }
        json.endArray();
        leaks(json.name("leaks"), report.allLeaks());
        if (report.openAtExit() == null) {
            json.name("openAtExit").nullValue();
        } else {
            leaks(json.name("openAtExit"), report.openAtExit());
        }
        json.name("destinations").beginArray();
        for (int i = 0; i < s.destinations().size(); i++) {
            Snapshot.DestinationStats d = s.destinations().get(i);
            PortBudget b = report.budgets().get(i);
            json.beginObject()
                    .field("remote", d.remote())
                    .field("open", d.open())
                    .field("timeWait", d.timeWait())
                    .field("timeWaitHoldingPorts", b.timeWaitHolding())
                    .field("portsInUse", b.portsInUse())
                    .field("portCapacity", b.capacity())
                    .field("listeningInRange", b.listeningInRange())
                    .field("utilization", round(b.utilization()))
                    .field("activeClosesPerSecond", round(b.activeClosesPerSecond()))
                    .field("rateWindowSeconds", round(b.rateWindowSeconds()));
            if (b.secondsToExhaustion() == null) {
                json.name("secondsToExhaustion").nullValue();
            } else {
                json.field("secondsToExhaustion", round(b.secondsToExhaustion()));
            }
            if (b.hostTimeWait() < 0) {
                json.name("hostTimeWait").nullValue();
            } else {
                json.field("hostTimeWait", b.hostTimeWait());
            }
            json.field("twReuseApplies", b.twReuseApplies())
                    .field("opened", d.opened())
                    .field("activeCloses", d.activeCloses())
                    .field("passiveCloses", d.passiveCloses())
                    .field("abortiveCloses", d.abortiveCloses())
                    .field("collected", d.collected());
            json.name("topCallSites").beginArray();
            for (Snapshot.SiteCount site : d.topCallSites()) {
                json.beginObject().field("blame", site.blame()).field("activeCloses", site.count()).endObject();
            }
            json.endArray().endObject();
        }
        json.endArray();
        json.strings("advice", TextReport.advice(report)); // the text report's "What to do", line for line
        json.name("fileDescriptors").beginObject()
                .field("open", report.fileDescriptors().open())
                .field("max", report.fileDescriptors().max())
                .field("utilization", round(report.fileDescriptors().utilization()))
                .endObject();
        json.name("exhaustions").beginObject()
                .field("ports", s.exhaustions().ports())
                .field("fileDescriptors", s.exhaustions().fileDescriptors())
                .field("lastMessage", s.exhaustions().lastMessage())
                .endObject();
        json.name("tcp").beginObject()
                .field("portRange", report.tcp().portRange().toString())
                .field("reservedPorts", report.tcp().reservedPorts())
                .field("timeWaitSeconds", report.tcp().timeWaitSeconds());
        if (report.tcp().twReuse() == null) {
            json.name("twReuse").nullValue();
        } else {
            json.field("twReuse", report.tcp().twReuse());
        }
        json.field("source", report.tcp().source()).endObject();
        if (report.kernel() == null) {
            json.name("kernel").nullValue();
        } else {
            json.name("kernel").beginObject()
                    .field("connections", report.kernel().connections())
                    .field("scanMillis", round(report.kernel().scanMillis()))
                    .field("ageMillis", report.kernel().ageMillis())
                    .endObject();
        }
        if (report.socketsBeforeHooks() == null) {
            json.name("openedBeforeAttach").nullValue();
        } else {
            json.field("openedBeforeAttachCount", report.socketsBeforeHooks().size());
            json.name("openedBeforeAttach").beginArray();
            for (SocketsBeforeHooks.Socket socket : report.socketsBeforeHooks().subList(0,
                    Math.min(SocketsBeforeHooks.MAX_LISTED, report.socketsBeforeHooks().size()))) {
                json.beginObject().field("local", socket.local()).field("remote", socket.remote())
                        .field("state", socket.state()).endObject();
            }
            json.endArray();
        }
        json.name("agent").beginObject()
                .strings("missingHooks", report.health().missingHooks())
                .strings("hooksOnFirstLoad", report.health().hooksOnFirstLoad())
                .field("handOffsNotCarried", report.health().notCarried())
                .field("swallowedFailures", report.health().swallowedFailures())
                .field("firstFailure", report.health().firstFailure())
                .name("stacks").beginObject()
                .field("resolved", report.health().stacks().resolved())
                .field("recognized", report.health().stacks().recognized())
                .field("notCaptured", report.health().stacks().notCaptured())
                .endObject()
                .endObject();
        history(json, report.history());
        return json.endObject().toString();
    }

    /** The budgets' history: a sample a second, oldest first, for charts. */
    private static void history(Json json, BudgetHistory.View history) {
        json.name("history").beginObject()
                .field("stepSeconds", BudgetHistory.STEP_SECONDS)
                .field("warnAt", history.warnAt());
        BudgetHistory.Descriptors fds = history.fileDescriptors();
        if (fds == null) {
            json.name("fileDescriptors").nullValue();
        } else {
            json.name("fileDescriptors").beginObject()
                    .field("max", fds.max())
                    .field("start", fds.start().toString());
            json.name("open").beginArray();
            for (int i = 0; i < fds.samples(); i++) {
                json.value(fds.open(i));
            }
            json.endArray().endObject();
        }
        json.name("destinations").beginArray();
        for (BudgetHistory.Destination d : history.destinations()) {
            json.beginObject()
                    .field("remote", d.remote())
                    .field("portCapacity", d.portCapacity())
                    .field("start", d.start().toString());
            json.name("open").beginArray();
            for (int i = 0; i < d.samples(); i++) {
                json.value(d.open(i));
            }
            json.endArray();
            json.name("timeWait").beginArray();
            for (int i = 0; i < d.samples(); i++) {
                json.value(d.timeWait(i));
            }
            json.endArray().endObject();
        }
        json.endArray().endObject();
    }

    private static void leaks(Json json, List<Leak> leaks) {
        json.beginArray();
        for (Leak leak : leaks) {
            json.beginObject()
                    .field("kind", leak.kind().jsonName())
                    .field("remote", leak.remote())
                    .field("ageMillis", leak.ageMillis());
            if (leak.count() != 1) {
                json.field("count", leak.count());
            }
            json.field("thread", leak.thread())
                    .field("blame", leak.site().blame())
                    .field("applicationLine", leak.site().applicationLine())
                    .field("origin", leak.site().origin())
                    .strings("frames", leak.site().frames())
                    .endObject();
        }
        json.endArray();
    }
}
