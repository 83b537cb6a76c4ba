package io.socketleak.agent.config;

/** An inclusive range of local ports, such as the kernel's ephemeral range {@code 32768-60999}. */
public record PortRange(int low, int high) {

    public PortRange {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
    }

    /** Accepts {@code lo-hi}, and the kernel's own {@code lo<tab>hi}. (By hand: no regular expression at start-up.) */
    public static PortRange parse(String text) {
        String s = text.strip();
        int split = s.indexOf('-');
        int next = split + 1;
        if (split < 0) {
            split = 0;
            while (split < s.length() && !Character.isWhitespace(s.charAt(split))) {
                split++;
            }
            next = split;
        }
        String low = s.substring(0, split).strip();
        String high = s.substring(Math.min(next, s.length())).strip();
        if (low.isEmpty() || high.isEmpty()) {
            throw new IllegalArgumentException("not a port range: " + text);
        }
        return new PortRange(Integer.parseInt(low), Integer.parseInt(high));
    }

    public int size() {
        return high - low + 1;
    }

    @Override
    public String toString() {
        return low + "-" + high;
    }
}
