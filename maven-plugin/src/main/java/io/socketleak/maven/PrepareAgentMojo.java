package io.socketleak.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Attaches the agent to every test JVM Surefire and Failsafe start: appends its {@code -javaagent:}
 * to the {@code argLine} property (after any agent already there, such as JaCoCo's; JaCoCo's
 * prepare-agent, run later, keeps ours in turn), so that each test JVM writes its JSON report under
 * {@code target/socket-leak/}.
 */
@Mojo(name = "prepare-agent", defaultPhase = LifecyclePhase.INITIALIZE, threadSafe = true)
public class PrepareAgentMojo extends AbstractMojo {
    static final String AGENT = "io.socketleak:socket-leak-agent";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    /** The plugin's own artifacts: the agent jar is one of them. */
    @Parameter(defaultValue = "${plugin.artifactMap}", readonly = true, required = true)
    private Map<String, Artifact> pluginArtifacts;

    /** The property Surefire and Failsafe read the test JVM's options from. */
    @Parameter(property = "socketleak.propertyName", defaultValue = "argLine")
    private String propertyName;

    /** Where each test JVM writes its JSON report, {@code socket-leak-<pid>.json}. */
    @Parameter(property = "socketleak.reportDirectory", defaultValue = "${project.build.directory}/socket-leak")
    private File reportDirectory;

    /** Agent options for the test JVMs, one element per option: {@code <closeWaitAfter>1s</closeWaitAfter>}. */
    @Parameter
    private Map<String, String> options;

    /** Runs the tests without the agent. */
    @Parameter(property = "socketleak.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException {
        String existing = effectiveValue();
        if (skip) {
            getLog().info("Socket leak detection skipped (socketleak.skip)");
            if (existing == null) {
                // So that an argLine written as "@{argLine} ..." still resolves.
                project.getProperties().setProperty(propertyName, "");
            } else if (session.getUserProperties().containsKey(commandLineKey(propertyName))) {
                // An earlier module of the reactor set the command line's property: this one runs without the agent.
                for (Properties properties : List.of(session.getSystemProperties(), session.getUserProperties())) {
                    if (properties.containsKey(propertyName)) {
                        properties.setProperty(propertyName, existing);
                    }
                }
            }
            return;
        }
        Artifact agent = pluginArtifacts.get(AGENT);
        if (agent == null || agent.getFile() == null) {
            throw new MojoExecutionException("the agent jar (" + AGENT + ") is not among the plugin's artifacts");
        }
        Path directory = reportDirectory.toPath().toAbsolutePath();
        String argument;
        try {
            argument = AgentArgument.of(agent.getFile().toPath().toAbsolutePath(), directory,
                    options == null ? Map.of() : options);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        try {
            Files.createDirectories(directory);
            int stale = ReportDirectory.deleteReports(directory);
            if (stale > 0) {
                getLog().debug("Deleted " + stale + " socket leak report(s) of an earlier run in " + directory);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("cannot prepare " + directory + " for the test JVMs' reports: " + e, e);
        }
        String value = AgentArgument.appendTo(existing, argument);
        setProperty(session.getSystemProperties(), session.getUserProperties(), project.getProperties(), propertyName, value);
        getLog().info(propertyName + " set to " + value);
    }

    /** The property's value as the test plugins will see it: a -D on the command line wins, as JaCoCo reads it. */
    private String effectiveValue() {
        return effectiveValue(session.getSystemProperties(), session.getUserProperties(), project.getProperties(), propertyName);
    }

    /** The key under which the command line's own value is kept, once the first module has changed it. */
    static String commandLineKey(String name) {
        return "socketleak.commandLine." + name;
    }

    /**
     * The value to append to: the command line's (its original, not what an earlier module of the
     * reactor set), else the project's. Maven resolves {@code ${argLine}} from the session's system
     * properties, then its user properties (a {@code -D} is in both), then the project's.
     */
    static String effectiveValue(Properties system, Properties user, Properties project, String name) {
        if (user.containsKey(commandLineKey(name))) {
            return user.getProperty(commandLineKey(name));
        }
        if (system.containsKey(name)) {
            return system.getProperty(name);
        }
        if (user.containsKey(name)) {
            return user.getProperty(name);
        }
        return project.getProperty(name);
    }

    /**
     * Sets the new value in the project's properties and, when the session has the property
     * ({@code -DargLine=-Xmx256m}), in the session's too: Maven resolves {@code ${argLine}} from those
     * first, and the agent would be silently dropped.
     */
    static void setProperty(Properties system, Properties user, Properties project, String name, String value) {
        if (system.containsKey(name) || user.containsKey(name)) {
            user.putIfAbsent(commandLineKey(name), effectiveValue(system, user, project, name));
        }
        for (Properties session : List.of(system, user)) {
            if (session.containsKey(name)) {
                session.setProperty(name, value);
            }
        }
        project.setProperty(name, value);
    }
}
