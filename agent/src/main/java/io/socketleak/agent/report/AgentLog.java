package io.socketleak.agent.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where summaries, warnings and reports go: standard error or a file ({@code log=}). Backed by the
 * agent's own, relocated copy of SLF4J's simple logger, so the application's logging is untouched.
 */
public final class AgentLog {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private final Logger logger;

    private AgentLog(Logger logger) {
        this.logger = logger;
    }

    /** @param destination {@code stderr} or a file path */
    public static AgentLog open(String destination) {
        // Read by the relocated simple logger only (the shaded jar renames these keys with its classes).
        System.setProperty(PREFIX + "logFile", "stderr".equals(destination) ? "System.err" : destination);
        System.setProperty(PREFIX + "showDateTime", "true");
        System.setProperty(PREFIX + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty(PREFIX + "showThreadName", "false");
        System.setProperty(PREFIX + "showLogName", "true");
        System.setProperty(PREFIX + "levelInBrackets", "false");
        return new AgentLog(LoggerFactory.getLogger("socket-leak-agent"));
    }

    public void info(String message) {
        logger.info(message);
    }

    public void warn(String message) {
        logger.warn(message);
    }

    public void error(String message) {
        logger.error(message);
    }
}
