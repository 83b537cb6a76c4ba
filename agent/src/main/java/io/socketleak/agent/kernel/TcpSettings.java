package io.socketleak.agent.kernel;

import io.socketleak.agent.config.PortRange;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * The kernel settings that decide how many connections a destination can take: the ephemeral port
 * range, how long TIME_WAIT lasts, and whether TIME_WAIT ports may be reused for new connects.
 *
 * @param reservedPorts ports of the range listed in {@code ip_local_reserved_ports}: never picked
 * @param twReuse Linux {@code tcp_tw_reuse} (0 off, 1 on, 2 loopback only), or null elsewhere
 * @param source  where the numbers came from: the OS's files, the platform's usual defaults, or options
 */
public record TcpSettings(PortRange portRange, int reservedPorts, int timeWaitSeconds, Integer twReuse,
                          String source) {

    private static final String PROC = "/proc/sys/net/ipv4/";

    /** Reads the running system's settings; {@code portRange}/{@code timeWait} options override them. */
    public static TcpSettings read(PortRange rangeOverride, Duration timeWaitOverride) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        PortRange range;
        int timeWait;
        Integer twReuse = null;
        String reserved = "";
        String source;
        if (os.contains("linux")) {
            range = readRange(PROC + "ip_local_port_range", new PortRange(32768, 60999));
            twReuse = readInt(PROC + "tcp_tw_reuse");
            reserved = readText(PROC + "ip_local_reserved_ports");
            timeWait = 60; // TCP_TIMEWAIT_LEN, fixed at build time; tcp_fin_timeout does not change it
            source = "linux /proc/sys/net/ipv4";
        } else if (os.contains("mac")) {
            range = new PortRange(49152, 65535);
            timeWait = 30; // 2 x MSL of 15 s
            source = "macOS defaults";
        } else if (os.contains("windows")) {
            range = new PortRange(49152, 65535);
            timeWait = 120; // TcpTimedWaitDelay default on current Windows
            source = "Windows defaults";
        } else {
            range = new PortRange(32768, 60999);
            timeWait = 60;
            source = "generic defaults";
        }
        if (rangeOverride != null) {
            range = rangeOverride;
            source += ", portRange option";
        }
        if (timeWaitOverride != null) {
            timeWait = (int) Math.max(1, timeWaitOverride.toSeconds());
            source += ", timeWait option";
        }
        return new TcpSettings(range, reservedIn(reserved, range), timeWait, twReuse, source);
    }

    /** Counts the ports of {@code range} in the kernel's list form {@code 8080,9000-9010}. */
    static int reservedIn(String list, PortRange range) {
        int count = 0;
        for (String item : list.strip().split(",", -1)) {
            if (item.isBlank()) {
                continue;
            }
            try {
                String[] bounds = item.strip().split("-", -1);
                int low = Integer.parseInt(bounds[0].strip());
                int high = bounds.length > 1 ? Integer.parseInt(bounds[1].strip()) : low;
                count += Math.max(0, Math.min(high, range.high()) - Math.max(low, range.low()) + 1);
            } catch (NumberFormatException e) {
                // not a port: ignore, as the kernel would have refused it
            }
        }
        return count;
    }

    private static String readText(String file) {
        try {
            return ProcFiles.read(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static PortRange readRange(String file, PortRange fallback) {
        try {
            return PortRange.parse(ProcFiles.read(file));
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    private static Integer readInt(String file) {
        try {
            return Integer.valueOf(ProcFiles.read(file).strip());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
