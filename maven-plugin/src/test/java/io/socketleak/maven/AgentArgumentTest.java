package io.socketleak.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentArgumentTest {
    private static final Path JAR = Path.of("/repo/socket-leak-agent.jar");
    private static final Path DIR = Path.of("/work/app/target/socket-leak");

    @Test
    void reportPerJvmThenTheOptionsInNameOrder() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("interval", "0");
        options.put("closeWaitAfter", " 1s ");
        assertEquals("-javaagent:/repo/socket-leak-agent.jar=report=/work/app/target/socket-leak/socket-leak-%p.json"
                + ",closeWaitAfter=1s,interval=0", AgentArgument.of(JAR, DIR, options));
    }

    @Test
    void quotedWhenAPathHasSpaces() {
        String argument = AgentArgument.of(JAR, Path.of("/my work/target/socket-leak"), Map.of());
        assertEquals("\"-javaagent:/repo/socket-leak-agent.jar=report=/my work/target/socket-leak/socket-leak-%p.json\"", argument);
    }

    @Test
    void aPercentSignInThePathIsKept() {
        assertEquals("-javaagent:/repo/socket-leak-agent.jar=report=/100%%/target/socket-leak/socket-leak-%p.json",
                AgentArgument.of(JAR, Path.of("/100%/target/socket-leak"), Map.of()));
    }

    @Test
    void valuesTheAgentCouldNotSplitAreRefusedByName() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> AgentArgument.of(JAR, DIR, Map.of("exclude", "com.a,com.b"))).getMessage();
        assertTrue(message.contains("exclude") && message.contains("comma"), message);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AgentArgument.of(JAR, DIR, Map.of("report", "x.json"))).getMessage().contains("reportDirectory"));
        assertThrows(IllegalArgumentException.class, () -> AgentArgument.of(JAR, DIR, Map.of("interval", " ")));
        String halt = assertThrows(IllegalArgumentException.class,
                () -> AgentArgument.of(JAR, DIR, Map.of("failOnLeak", "true"))).getMessage();
        assertTrue(halt.contains("failOnLeak") && halt.contains("crashed fork") && halt.contains("check"), halt);
        assertThrows(IllegalArgumentException.class, () -> AgentArgument.of(JAR, DIR, Map.of("a=b", "1")));
        assertThrows(IllegalArgumentException.class, () -> AgentArgument.of(JAR, Path.of("/a,b/target"), Map.of()));
    }

    @Test
    void appendedAfterAnExistingArgLine() {
        assertEquals("-javaagent:jacoco.jar=destfile=x -javaagent:ours.jar",
                AgentArgument.appendTo(" -javaagent:jacoco.jar=destfile=x ", "-javaagent:ours.jar"));
        assertEquals("-javaagent:ours.jar", AgentArgument.appendTo(null, "-javaagent:ours.jar"));
        assertEquals("-javaagent:ours.jar", AgentArgument.appendTo("", "-javaagent:ours.jar"));
    }
}
