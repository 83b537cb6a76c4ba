package io.socketleak.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class PrepareAgentMojoTest {
    @Test
    void aCommandLineArgLineGetsTheAgentTooForMavenReadsItFirst() {
        Properties user = new Properties();
        user.setProperty("argLine", "-Xmx256m");
        Properties project = new Properties();
        project.setProperty("argLine", "-Dproject=1");
        String value = AgentArgument.appendTo(PrepareAgentMojo.effectiveValue(user, project, "argLine"), "-javaagent:a.jar");
        assertEquals("-Xmx256m -javaagent:a.jar", value);
        PrepareAgentMojo.setProperty(user, project, "argLine", value);
        assertEquals(value, user.getProperty("argLine"));
        assertEquals(value, project.getProperty("argLine"));

        // The next module of the reactor appends its agent to the command line's value, not to the first module's.
        Properties next = new Properties();
        assertEquals("-Xmx256m -javaagent:b.jar",
                AgentArgument.appendTo(PrepareAgentMojo.effectiveValue(user, next, "argLine"), "-javaagent:b.jar"));
    }

    @Test
    void withoutACommandLineValueOnlyTheProjectsIsSet() {
        Properties user = new Properties();
        Properties project = new Properties();
        PrepareAgentMojo.setProperty(user, project, "argLine", "-javaagent:a.jar");
        assertEquals("-javaagent:a.jar", project.getProperty("argLine"));
        assertFalse(user.containsKey("argLine"));
        assertEquals("-javaagent:a.jar", PrepareAgentMojo.effectiveValue(user, project, "argLine"));
    }
}
