package io.socketleak.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A socket leak, the moment the agent finds it. */
@Name("io.socketleak.LeakFound")
@Label("Socket Leak Found")
@Category({"Socket Leak Detector"})
@Description("A socket collected without close(), or left open after its peer closed (CLOSE_WAIT)")
@StackTrace(false) // found on the agent's thread: the allocation stack is in the fields
final class LeakFoundEvent extends jdk.jfr.Event {
    @Label("Kind")
    String kind;

    @Label("Remote")
    String remote;

    @Label("Call Site")
    @Description("The application line that opened the socket")
    String blame;

    @Label("Stack")
    String frames;

    @Label("Age (ms)")
    long ageMillis;

    @Label("Opening Thread")
    String thread;
}
