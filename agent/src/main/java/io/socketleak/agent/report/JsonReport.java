package io.socketleak.agent.report;

import io.socketleak.agent.tracking.Leak;
import io.socketleak.agent.tracking.Snapshot;

/** The machine-readable report. Field names are part of the product's contract (schema 1). */
public final class JsonReport {
    public static final int SCHEMA = 1;

    private JsonReport() {
    }

    public static String render(Report report) {
        Snapshot s = report.sockets();
        Snapshot.Counters c = s.counters();
        Json json = new Json().beginObject()
                .field("schema", SCHEMA)
                .field("pid", report.pid())
                .field("time", report.time().toString())
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
                .field("excluded", c.excluded())
                .endObject();
        json.name("callSites").beginArray();
        for (Snapshot.CallSiteStats site : s.callSites()) {
            json.beginObject()
                    .strings("frames", site.frames())
                    .field("blame", site.blame())
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
        json.name("leaks").beginArray();
        for (Leak leak : report.allLeaks()) {
            json.beginObject()
                    .field("kind", leak.kind().jsonName())
                    .field("remote", leak.remote())
                    .field("ageMillis", leak.ageMillis());
            if (leak.count() != 1) {
                json.field("count", leak.count());
            }
            json.field("thread", leak.thread())
                    .field("blame", leak.site().blame())
                    .strings("frames", leak.site().frames())
                    .endObject();
        }
        json.endArray();
        json.name("destinations").beginArray();
        for (Snapshot.DestinationStats d : s.destinations()) {
            json.beginObject()
                    .field("remote", d.remote())
                    .field("open", d.open())
                    .field("opened", d.opened())
                    .field("activeCloses", d.activeCloses())
                    .field("passiveCloses", d.passiveCloses())
                    .field("abortiveCloses", d.abortiveCloses())
                    .field("collected", d.collected())
                    .endObject();
        }
        json.endArray();
        json.name("fileDescriptors").beginObject()
                .field("open", report.fileDescriptors().open())
                .field("max", report.fileDescriptors().max())
                .endObject();
        json.name("tcp").beginObject()
                .field("portRange", report.tcp().portRange().toString())
                .field("timeWaitSeconds", report.tcp().timeWaitSeconds());
        if (report.tcp().twReuse() == null) {
            json.name("twReuse").nullValue();
        } else {
            json.field("twReuse", report.tcp().twReuse());
        }
        json.field("source", report.tcp().source()).endObject();
        json.name("agent").beginObject()
                .strings("missingHooks", report.health().missingHooks())
                .field("swallowedFailures", report.health().swallowedFailures())
                .field("firstFailure", report.health().firstFailure())
                .endObject();
        return json.endObject().toString();
    }
}
