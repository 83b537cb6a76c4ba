package io.socketleak.agent.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One place in the JDK the agent instruments.
 *
 * @param event  what the hook reports, in the user's words
 * @param type   the JDK class
 * @param method which of its methods (or constructors)
 * @param advice the advice inlined there
 */
public record Hook(String event, String type, String signature, ElementMatcher<? super MethodDescription> method,
                   Class<?> advice) {

    public String describe() {
        return event + ": " + type + "." + signature;
    }
}
