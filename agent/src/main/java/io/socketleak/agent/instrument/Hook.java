package io.socketleak.agent.instrument;


/**
 * One place in the JDK the agent instruments.
 *
 * @param event      what the hook reports, in the user's words
 * @param type       the JDK class, e.g. {@code sun.nio.ch.NioSocketImpl}
 * @param method     the method's name ({@code <init>} for a constructor)
 * @param parameters the parameter part of its descriptor, e.g. {@code (Ljava/net/SocketAddress;I)};
 *                   null for every overload of that name
 * @param advice     what is inlined there
 */
public record Hook(String event, String type, String method, String parameters, Advice advice) {
    /** The event of the hooks of {@link Hooks#LINGER_SETS}. */
    static final String LINGER_SET = "SO_LINGER set";

    /** Whether this hook is for a method of {@link #type} with this name and descriptor. */
    boolean matches(String name, String descriptor) {
        return method.equals(name) && (parameters == null || descriptor.startsWith(parameters));
    }

    String internalType() {
        return type.replace('.', '/');
    }

    public String describe() {
        return event + ": " + type + "." + method + "(" + readableParameters() + ")";
    }

    private String readableParameters() {
        if (parameters == null) {
            return "...";
        }
        StringBuilder text = new StringBuilder();
        for (String parameter : Descriptor.parameters(parameters + ")V")) {
            text.append(text.length() == 0 ? "" : ", ").append(Descriptor.simpleName(parameter));
        }
        return text.toString();
    }
}
