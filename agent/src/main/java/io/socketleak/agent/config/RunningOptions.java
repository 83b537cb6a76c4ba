package io.socketleak.agent.config;

/** The options of the running agent, some of which can change ({@link Options#CHANGEABLE}). */
public interface RunningOptions {
    Options current();

    /**
     * Applies {@code key=value,...}, all or nothing; returns the changes made, {@code key=value, ...}.
     *
     * @throws BadOptionException naming the key that cannot change or the bad value: nothing changed
     */
    String change(String agentArgs) throws BadOptionException;
}
