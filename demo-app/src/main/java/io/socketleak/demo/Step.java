package io.socketleak.demo;

/** Prints the one line that introduces each step of the demo. */
final class Step {
    static final int COUNT = 6;

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Step() {
    }

    /** Announces a step whose socket is opened on the line right below this call. */
    static void announce(int number, String what) {
        announce(number, what, 1);
    }

    /** Announces a step whose sockets are opened elsewhere, named by {@code where}. */
    static void announce(int number, String what, String where) {
        System.out.printf("demo: %d/%d %s (%s)%n", number, COUNT, what, where);
    }

    /**
     * Announces a step and names the line where its socket is opened, so it can be matched with the
     * line in the agent's output.
     *
     * @param linesBelow how far below this call that line is
     */
    static void announce(int number, String what, int linesBelow) {
        StackWalker.StackFrame caller = WALKER.walk(frames -> frames
                .filter(frame -> frame.getDeclaringClass() != Step.class)
                .findFirst()).orElseThrow();
        System.out.printf("demo: %d/%d %s (%s line %d)%n",
                number, COUNT, what, caller.getFileName(), caller.getLineNumber() + linesBelow);
    }
}
