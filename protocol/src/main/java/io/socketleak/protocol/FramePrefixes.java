package io.socketleak.protocol;

import java.util.List;

/**
 * How an allow-list matches a socket: by a prefix of one of its allocation frames, written as the
 * user writes code ({@code okhttp3.ConnectionPool}, {@code com.acme.Client.fetch}). The JUnit
 * extension and the Maven plugin's {@code check} both match this way, so an entry means the same in both.
 */
public final class FramePrefixes {
    private FramePrefixes() {
    }

    /** The index of the first prefix that starts one of the frames (frames in order), or -1. */
    public static int firstMatch(List<String> frames, List<String> prefixes) {
        for (String frame : frames) {
            String code = withoutModule(frame);
            for (int i = 0; i < prefixes.size(); i++) {
                if (code.startsWith(prefixes.get(i))) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * A frame as the user would write it: {@code StackTraceElement} text may start with a class
     * loader and module, {@code app//com.acme.Pool.get(Pool.java:3)} or {@code java.base/java.net...};
     * a hidden class keeps its own slash, {@code java.lang.invoke.LambdaForm$DMH/0x0000000801004800}.
     */
    public static String withoutModule(String frame) {
        int paren = frame.indexOf('(');
        int end = paren < 0 ? frame.length() : paren;
        int slash = frame.lastIndexOf('/', end);
        if (slash >= 0 && frame.startsWith("0x", slash + 1)) {
            slash = frame.lastIndexOf('/', slash - 1);
        }
        return slash < 0 ? frame : frame.substring(slash + 1);
    }
}
