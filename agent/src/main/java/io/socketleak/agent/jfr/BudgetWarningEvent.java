package io.socketleak.agent.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A destination's local ports, or the process's descriptors, crossed the warning level. */
@Name("io.socketleak.BudgetWarning")
@Label("Socket Budget Warning")
@Category({"Socket Leak Detector"})
@Description("Ports to one destination (open + TIME_WAIT), or file descriptors, nearly used up")
@StackTrace(false)
final class BudgetWarningEvent extends jdk.jfr.Event {
    @Label("Budget")
    @Description("The destination ip:port, or \"file descriptors\"")
    String budget;

    @Label("Used")
    long used;

    @Label("Capacity")
    long capacity;

    @Label("Utilization")
    double utilization;

    @Label("Active Closes per Second")
    double activeClosesPerSecond;

    @Label("Top Call Site")
    String blame;
}
