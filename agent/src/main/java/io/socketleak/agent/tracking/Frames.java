package io.socketleak.agent.tracking;

import io.socketleak.bootstrap.SocketLeakEvents;
import java.util.Arrays;
import java.util.List;

/**
 * Decides which frames of an allocation stack a user needs to see.
 *
 * <p>A call site starts at the first frame outside the JDK's socket plumbing (the library or
 * application code that asked for the socket) and always reaches the first frame of the
 * application's own code, however deep the libraries in between, plus a few frames of context.
 */
public final class Frames {
    /** Frames kept after the first application frame, to show who called it. */
    static final int CONTEXT_AFTER_APPLICATION = 4;
    /** Frames kept when no application frame is on the stack at all (an I/O thread, say). */
    static final int DEPTH_WITHOUT_APPLICATION = 12;
    /** Frames kept of a library's thread that opened a socket the application asked for on another. */
    static final int DEPTH_OF_HANDED_OFF = 6;

    /** The JDK's socket plumbing: never the line to blame, and cut from the top of a call site. */
    private static final List<String> SOCKET_INTERNALS = List.of(
            "java.net.", "javax.net.", "sun.nio.ch.", "java.nio.channels.", "sun.net.", "sun.security.ssl.");
    /** Under {@code java.net.}, but the HTTP client's API, not socket plumbing. */
    private static final String HTTP_CLIENT_API = "java.net.http.";

    /** Names for the owners of a library thread's frames, as users know them; others go by package. */
    private static final List<String[]> LIBRARY_NAMES = List.of(
            new String[] {"okhttp3.", "OkHttp"},
            new String[] {"io.netty.", "Netty"},
            new String[] {"com.zaxxer.hikari.", "HikariCP"},
            new String[] {"org.postgresql.", "pgjdbc"},
            new String[] {"jdk.internal.net.http.", "java.net.http.HttpClient"},
            new String[] {"sun.net.httpserver.", "the JDK's HttpServer"},
            new String[] {"org.apache.hc.", "Apache HttpClient"});

    private static final List<String> JDK = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.");

    /** The agent, and its bridge: in {@code java.base} at run time, with the same package and class prefix. */
    private static final List<String> AGENT = List.of(
            SocketLeakEvents.class.getPackageName() + ".SocketLeak", "io.socketleak.agent.");

    /** Well-known libraries that open sockets on the application's behalf. */
    private static final List<String> LIBRARIES = List.of(
            "okhttp3.", "okio.", "retrofit2.", "feign.",
            "org.apache.http.", "org.apache.hc.", "org.apache.commons.", "org.apache.kafka.",
            "org.apache.tomcat.", "org.apache.catalina.", "org.apache.coyote.", "org.apache.cxf.",
            "io.netty.", "reactor.", "io.vertx.", "io.grpc.", "io.undertow.", "org.eclipse.jetty.",
            "org.glassfish.", "org.springframework.", "org.hibernate.", "com.zaxxer.hikari.",
            "org.postgresql.", "com.mysql.", "org.mariadb.", "oracle.jdbc.", "com.microsoft.sqlserver.",
            "redis.clients.", "io.lettuce.", "org.redisson.", "com.mongodb.", "org.mongodb.",
            "com.datastax.", "org.elasticsearch.", "co.elastic.", "software.amazon.", "com.amazonaws.",
            "com.google.api.", "com.google.cloud.", "com.google.common.", "com.fasterxml.",
            "io.micrometer.", "io.opentelemetry.", "ch.qos.logback.", "org.apache.logging.",
            "kotlin.", "kotlinx.", "scala.", "akka.", "org.apache.pekko.", "groovy.", "org.codehaus.groovy.",
            "org.junit.", "junit.", "org.testng.", "org.apache.maven.", "org.gradle.", "io.socketleak.junit.");

    private Frames() {
    }

    static boolean isJdk(String className) {
        return startsWithAny(className, JDK);
    }

    static boolean isAgent(String className) {
        return startsWithAny(className, AGENT);
    }

    static boolean isSocketInternal(String className) {
        return startsWithAny(className, SOCKET_INTERNALS) && !className.startsWith(HTTP_CLIENT_API);
    }

    /** Code that is neither the JDK, the agent, nor a well-known library: the user's own. */
    public static boolean isApplication(String className) {
        return !isJdk(className) && !isAgent(className) && !startsWithAny(className, LIBRARIES);
    }

    /** The frames that identify and explain a call site, innermost first. */
    static StackTraceElement[] callSite(StackTraceElement[] stack) {
        int top = 0;
        while (top < stack.length && isAgent(stack[top].getClassName())) {
            top++;
        }
        int start = top;
        while (start < stack.length && isJdk(stack[start].getClassName())) {
            start++;
        }
        if (start == stack.length) { // all JDK (its own HTTP client, say): keep all but the socket plumbing
            start = top;
            while (start < stack.length - 1 && isSocketInternal(stack[start].getClassName())) {
                start++;
            }
        }
        int end = Math.min(stack.length, start + DEPTH_WITHOUT_APPLICATION);
        for (int i = start; i < stack.length; i++) {
            if (isApplication(stack[i].getClassName())) {
                end = Math.min(stack.length, i + 1 + CONTEXT_AFTER_APPLICATION);
                break;
            }
        }
        return Arrays.copyOfRange(stack, start, end);
    }

    /**
     * The first application frame; else the first frame outside the JDK's socket plumbing (the
     * library's line that opened the socket); else the first frame.
     */
    static StackTraceElement blame(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            if (isApplication(frame.getClassName())) {
                return frame;
            }
        }
        for (StackTraceElement frame : frames) {
            if (!isSocketInternal(frame.getClassName()) && !isAgent(frame.getClassName())) {
                return frame;
            }
        }
        return frames.length > 0 ? frames[0] : null;
    }

    static boolean hasApplication(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (isApplication(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whose thread this is, by its outermost frame of a library (the thread's job: a pool's adder, an
     * event loop, a client's selector), in the words users know it by; null for a plain JDK thread.
     */
    static String library(StackTraceElement[] stack) {
        for (int i = stack.length - 1; i >= 0; i--) {
            String className = stack[i].getClassName();
            for (String[] named : LIBRARY_NAMES) {
                if (className.startsWith(named[0])) {
                    return named[1];
                }
            }
            if (!isJdk(className) && !isAgent(className)) {
                int dot = className.lastIndexOf('.');
                return dot < 0 ? className : className.substring(0, dot);
            }
        }
        return null;
    }

    /** Whether any frame starts with one of the prefixes, matched against {@code Class.method}. */
    static boolean matchesAny(StackTraceElement[] stack, List<String> prefixes) {
        if (prefixes.isEmpty()) {
            return false;
        }
        for (StackTraceElement frame : stack) {
            String className = frame.getClassName();
            for (String prefix : prefixes) {
                if (prefix.length() <= className.length()
                        ? className.startsWith(prefix)
                        : (className + "." + frame.getMethodName()).startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean startsWithAny(String s, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (s.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
