package io.socketleak.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** A gauge of the JVM's sockets, taken periodically while a recording asks for it. */
@Name("io.socketleak.OpenSockets")
@Label("Open Sockets")
@Category({"Socket Leak Detector"})
@Period("1 s")
@StackTrace(false)
final class OpenSocketsEvent extends jdk.jfr.Event {
    @Label("Open")
    long open;

    @Label("Opened Since Start")
    long opened;

    @Label("Active Closes Since Start")
    long activeCloses;

    @Label("Leaks Since Start")
    long leaks;
}
