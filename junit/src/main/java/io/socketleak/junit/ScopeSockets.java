package io.socketleak.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's answer to "what became of the sockets opened since this mark": the leaks and the
 * sockets still open, read from {@code socketsSinceJson}.
 *
 * @param complete false when the agent had dropped old leak records, so some may be missing
 */
record ScopeSockets(List<Finding> findings, boolean complete) {

    static ScopeSockets fromJson(String json) {
        Map<?, ?> root = asObject(Json.parse(json), "the answer");
        List<Finding> findings = new ArrayList<>();
        for (Object leak : asList(root.get("leaks"), "leaks")) {
            Map<?, ?> entry = asObject(leak, "a leak");
            findings.add(finding(entry, text(entry, "kind")));
        }
        List<Finding> closeWaits = new ArrayList<>();
        for (Finding leak : findings) {
            if (leak.kind().equals(Finding.CLOSE_WAIT)) {
                closeWaits.add(leak);
            }
        }
        for (Object open : asList(root.get("open"), "open")) {
            Finding socket = finding(asObject(open, "an open socket"), Finding.STILL_OPEN);
            if (!removeSameSocket(closeWaits, socket)) {
                findings.add(socket);
            }
        }
        return new ScopeSockets(List.copyOf(findings), !Boolean.FALSE.equals(root.get("complete")));
    }

    /**
     * A socket left in CLOSE_WAIT is still open too, so the agent lists it twice; it is one socket,
     * and "left in CLOSE_WAIT" says more about it than "still open".
     */
    private static boolean removeSameSocket(List<Finding> closeWaits, Finding open) {
        for (int i = 0; i < closeWaits.size(); i++) {
            Finding leak = closeWaits.get(i);
            if (leak.remote().equals(open.remote()) && leak.thread().equals(open.thread())
                    && leak.blame().equals(open.blame()) && leak.frames().equals(open.frames())) {
                closeWaits.remove(i);
                return true;
            }
        }
        return false;
    }

    private static Finding finding(Map<?, ?> entry, String kind) {
        List<String> frames = new ArrayList<>();
        Object rawFrames = entry.get("frames");
        if (rawFrames != null) {
            for (Object frame : asList(rawFrames, "frames")) {
                frames.add(String.valueOf(frame));
            }
        }
        return new Finding(kind, text(entry, "remote"), Boolean.TRUE.equals(entry.get("inbound")),
                number(entry, "ageMillis", 0), text(entry, "thread"), text(entry, "blame"), List.copyOf(frames),
                (int) Math.max(1, number(entry, "count", 1)));
    }

    private static long number(Map<?, ?> entry, String name, long absent) {
        Object value = entry.get(name);
        return value instanceof Number ? ((Number) value).longValue() : absent;
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
