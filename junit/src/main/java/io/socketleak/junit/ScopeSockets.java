package io.socketleak.junit;

import io.socketleak.protocol.AgentProtocol.ScopeJson;
import io.socketleak.protocol.JsonReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's answer to "what became of the sockets opened since this mark" (or between two): the
 * leaks and the sockets still open, read from its scope JSON ({@link ScopeJson}).
 *
 * @param complete false when the agent had dropped old leak records, so some may be missing
 */
record ScopeSockets(List<Finding> findings, boolean complete) {

    static ScopeSockets fromJson(String json) {
        Map<?, ?> root = asObject(JsonReader.parse(json), "the answer");
        List<Finding> findings = new ArrayList<>();
        Set<Long> leaked = new HashSet<>();
        for (Object leak : asList(root.get(ScopeJson.LEAKS), ScopeJson.LEAKS)) {
            Map<?, ?> entry = asObject(leak, "a leak");
            Finding finding = finding(entry, text(entry, ScopeJson.KIND));
            findings.add(finding);
            leaked.add(finding.socket());
        }
        for (Object open : asList(root.get(ScopeJson.OPEN), ScopeJson.OPEN)) {
            Finding socket = finding(asObject(open, "an open socket"), Finding.STILL_OPEN);
            // A socket left in CLOSE_WAIT is still open too, so the agent lists it twice: it is one
            // socket, and "left in CLOSE_WAIT" says more about it than "still open".
            if (!leaked.contains(socket.socket())) {
                findings.add(socket);
            }
        }
        return new ScopeSockets(List.copyOf(findings), !Boolean.FALSE.equals(root.get(ScopeJson.COMPLETE)));
    }

    /** The agent's ids of these sockets. */
    Set<Long> ids() {
        Set<Long> ids = new HashSet<>();
        for (Finding finding : findings) {
            ids.add(finding.socket());
        }
        return ids;
    }

    /** These sockets less those with one of these ids. */
    ScopeSockets without(Set<Long> ids) {
        List<Finding> kept = new ArrayList<>();
        for (Finding finding : findings) {
            if (!ids.contains(finding.socket())) {
                kept.add(finding);
            }
        }
        return new ScopeSockets(List.copyOf(kept), complete);
    }

    private static Finding finding(Map<?, ?> entry, String kind) {
        List<String> frames = new ArrayList<>();
        Object rawFrames = entry.get(ScopeJson.FRAMES);
        if (rawFrames != null) {
            for (Object frame : asList(rawFrames, ScopeJson.FRAMES)) {
                frames.add(String.valueOf(frame));
            }
        }
        Object socket = entry.get(ScopeJson.SOCKET);
        if (!(socket instanceof Long id)) {
            throw new IllegalArgumentException("unexpected answer from the agent: a socket without its id"
                    + " (is the agent older than the extension?)");
        }
        return new Finding(id, kind, text(entry, ScopeJson.REMOTE),
                Boolean.TRUE.equals(entry.get(ScopeJson.INBOUND)), number(entry, ScopeJson.AGE_MILLIS),
                text(entry, ScopeJson.THREAD), text(entry, ScopeJson.BLAME),
                entry.get(ScopeJson.ORIGIN) == null ? null : text(entry, ScopeJson.ORIGIN), List.copyOf(frames));
    }

    private static long number(Map<?, ?> entry, String name) {
        Object value = entry.get(name);
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static String text(Map<?, ?> entry, String name) {
        Object value = entry.get(name);
        return value == null ? "?" : value.toString();
    }

    private static Map<?, ?> asObject(Object value, String what) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("unexpected answer from the agent: " + what + " is not an object");
        }
        return (Map<?, ?>) value;
    }

    private static List<?> asList(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw new IllegalArgumentException("unexpected answer from the agent: " + what + " is not an array");
        }
        return (List<?>) value;
    }
}
