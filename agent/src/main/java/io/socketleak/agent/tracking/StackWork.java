package io.socketleak.agent.tracking;

/**
 * How allocation stacks became call sites.
 *
 * @param resolved    stacks turned into frames on the tracker thread
 * @param recognized  stacks found to be one seen before, on the application thread: nothing to resolve
 * @param notCaptured sockets opened while the tracker thread was too far behind to take their stack
 */
public record StackWork(long resolved, long recognized, long notCaptured) {
}
