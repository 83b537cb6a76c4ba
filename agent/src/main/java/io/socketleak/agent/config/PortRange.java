package io.socketleak.agent.config;

/** An inclusive range of local ports, such as the kernel's ephemeral range {@code 32768-60999}. */
public record PortRange(int low, int high) {

    public PortRange {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
    }

    /** Accepts {@code lo-hi}, and the kernel's own {@code lo<tab>hi}. */
    public static PortRange parse(String text) {
        String[] parts = text.strip().split("\\s*-\\s*|\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a port range: " + text);
        }
        return new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    public int size() {
        return high - low + 1;
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
