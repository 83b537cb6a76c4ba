package io.socketleak.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class PrepareAgentMojoTest {
    /** A -D on Maven's command line is in the session's system and user properties, which Maven resolves first. */
    @Test
    void aCommandLineArgLineGetsTheAgentToo() {
        Properties system = new Properties();
        system.setProperty("argLine", "-Xmx256m");
        Properties user = new Properties();
        user.setProperty("argLine", "-Xmx256m");
        Properties project = new Properties();
        project.setProperty("argLine", "-Dproject=1");
        String value = AgentArgument.appendTo(PrepareAgentMojo.effectiveValue(system, user, project, "argLine"), "-javaagent:a.jar");
        assertEquals("-Xmx256m -javaagent:a.jar", value);
        PrepareAgentMojo.setProperty(system, user, project, "argLine", value);
        assertEquals(value, system.getProperty("argLine"));
        assertEquals(value, user.getProperty("argLine"));
        assertEquals(value, project.getProperty("argLine"));

        // The next module of the reactor appends its agent to the command line's value, not to the first module's.
        assertEquals("-Xmx256m -javaagent:b.jar", AgentArgument.appendTo(
                PrepareAgentMojo.effectiveValue(system, user, new Properties(), "argLine"), "-javaagent:b.jar"));
    }

    @Test
    void withoutACommandLineValueOnlyTheProjectsIsSet() {
        Properties system = new Properties();
        Properties user = new Properties();
        Properties project = new Properties();
        PrepareAgentMojo.setProperty(system, user, project, "argLine", "-javaagent:a.jar");
        assertEquals("-javaagent:a.jar", project.getProperty("argLine"));
        assertFalse(user.containsKey("argLine") || system.containsKey("argLine"));
        assertEquals("-javaagent:a.jar", PrepareAgentMojo.effectiveValue(system, user, project, "argLine"));
    }
}
