package io.socketleak.agent.budget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last 15 minutes of the budgets, a sample a second, for the report's charts: for the busiest
 * destinations their open connections and the TIME_WAIT that holds their ports, and the process's
 * open file descriptors. Written by the budget watch on the agent's thread, read by reports on any.
 *
 * <p>Memory is fixed: a ring of {@link #SAMPLES} ints per series (two per destination, 7 KB), at
 * most {@link #MAX_DESTINATIONS} destinations, each slot allocated once and reused when another
 * destination takes it. A second without a sample (the agent's thread held up) is filled with the
 * value before it, so that sample {@code i} of a series is always at its start + {@code i} seconds.
 */
public final class BudgetHistory {
    /** One sample a second. */
    public static final int STEP_SECONDS = 1;
    /** 15 minutes of seconds. */
    public static final int SAMPLES = 900;
    public static final int MAX_DESTINATIONS = 5;
    /**
     * Busiest means the highest ports in use over the window, kept as the peak of each minute: 16
     * minutes (the window's 15 and the current one) cost 16 numbers per destination, where the
     * peak of the samples themselves would need a third series.
     */
    private static final int PEAK_MINUTES = SAMPLES / 60 + 1;

    private final Slot[] slots = new Slot[MAX_DESTINATIONS];
    private final Ring fileDescriptors = new Ring(1);
    private long fileDescriptorLimit = -1;
    private long second = -1;

    /** The samples of one or more series over the same seconds, oldest first once read out. */
    private static final class Ring {
        final int[][] values;
        /** The second of the latest sample; {@link #count} seconds up to it are held. */
        long last = -1;
        int count;

        Ring(int series) {
            values = new int[series][SAMPLES];
        }

        void clear() {
            last = -1;
            count = 0;
        }

        /**
         * Starts the sample of {@code second} (filling the seconds missed since the last with its
         * values) and returns its index. A second not after the last one (the same second again, or a
         * clock set back) takes the last sample's place: a series never goes back in time.
         */
        int at(long second) {
            if (count == 0) {
                last = second;
                count = 1;
                return index(second);
            }
            if (second <= last) {
                return index(last);
            }
            int from = index(last);
            for (long s = Math.max(last + 1, second - SAMPLES + 1); s < second; s++) {
                for (int[] series : values) {
                    series[index(s)] = series[from];
                }
            }
            count = (int) Math.min(SAMPLES, count + (second - last));
            last = second;
            return index(second);
        }

        static int index(long second) {
            return (int) Math.floorMod(second, (long) SAMPLES);
        }

        int[] oldestFirst(int series) {
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = values[series][index(last - count + 1 + i)];
            }
            return out;
        }

        Instant start() {
            return Instant.ofEpochSecond(last - count + 1);
        }
    }

    /** A destination's place in the history. */
    private static final class Slot {
        static final int OPEN = 0;
        static final int TIME_WAIT = 1;

        final Ring ring = new Ring(2);
        final long[] peakMinute = new long[PEAK_MINUTES];
        final int[] peak = new int[PEAK_MINUTES];
        String remote;
        int capacity;

        void takeFor(String newRemote) {
            remote = newRemote;
            ring.clear();
            Arrays.fill(peakMinute, Long.MIN_VALUE);
        }

        void inUse(long second, int portsInUse) {
            long minute = Math.floorDiv(second, 60L);
            int i = (int) Math.floorMod(minute, (long) PEAK_MINUTES);
            if (peakMinute[i] != minute) {
                peakMinute[i] = minute;
                peak[i] = 0;
            }
            peak[i] = Math.max(peak[i], portsInUse);
        }

        /** The highest ports in use over the window that ends at {@code second}. */
        int busiest(long second) {
            long minute = Math.floorDiv(second, 60L);
            int most = 0;
            for (int i = 0; i < PEAK_MINUTES; i++) {
                if (peakMinute[i] > minute - PEAK_MINUTES && peakMinute[i] <= minute) {
                    most = Math.max(most, peak[i]);
                }
            }
            return most;
        }
    }

    /** Starts the samples of the second that {@code nowMillis} falls in. */
    public synchronized void second(long nowMillis) {
        second = Math.floorDiv(nowMillis, 1000L);
    }

    /**
     * One destination's budget this second. A destination not held yet is taken in while there is
     * room; past {@link #MAX_DESTINATIONS}, in place of the least busy one held (the lowest peak of
     * ports in use over the window) if its ports in use now are more than that peak, and it starts
     * a series of its own: the one it replaces is forgotten.
     */
    public synchronized void destination(String remote, int open, long timeWaitHoldingPorts, long portsInUse,
                                         int capacity) {
        if (second < 0) {
            return;
        }
        int inUse = clamp(portsInUse);
        // Slots are taken in order and never given back: the first empty one ends the search.
        Slot slot = null;
        Slot leastBusy = null;
        int free = -1;
        for (int i = 0; i < slots.length && slot == null && free < 0; i++) {
            Slot s = slots[i];
            if (s == null) {
                free = i;
            } else if (s.remote.equals(remote)) {
                slot = s;
            } else if (leastBusy == null || s.busiest(second) < leastBusy.busiest(second)) {
                leastBusy = s;
            }
        }
        if (slot == null) {
            if (inUse == 0) {
                return; // nothing to draw, nothing to replace another with
            }
            if (free >= 0) {
                slot = new Slot();
                slots[free] = slot;
            } else if (inUse > leastBusy.busiest(second)) {
                slot = leastBusy;
            } else {
                return;
            }
            slot.takeFor(remote);
        }
        int at = slot.ring.at(second);
        slot.ring.values[Slot.OPEN][at] = Math.max(0, open);
        slot.ring.values[Slot.TIME_WAIT][at] = clamp(timeWaitHoldingPorts);
        slot.capacity = capacity;
        slot.inUse(second, inUse);
    }

    /** The process's open descriptors this second, and their limit; -1 for what is not known. */
    public synchronized void fileDescriptors(long open, long max) {
        if (second < 0 || open < 0) {
            return; // not read this time: the gap is filled with the last reading
        }
        fileDescriptors.values[0][fileDescriptors.at(second)] = clamp(open);
        if (max >= 0) {
            fileDescriptorLimit = max; // at the limit it cannot be read: the last one read stands
        }
    }

    private static int clamp(long value) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, value));
    }

    /** The samples as they are now, busiest destination first, for a report. */
    public synchronized View view(double warnAt) {
        List<Destination> destinations = new ArrayList<>(MAX_DESTINATIONS);
        for (Slot s : slots) {
            if (s != null) {
                destinations.add(new Destination(s.remote, s.capacity, s.busiest(second), s.ring.start(),
                        s.ring.oldestFirst(Slot.OPEN), s.ring.oldestFirst(Slot.TIME_WAIT)));
            }
        }
        destinations.sort((a, b) -> a.busiest != b.busiest ? Integer.compare(b.busiest, a.busiest)
                : a.remote.compareTo(b.remote));
        Descriptors fds = fileDescriptors.count == 0 || fileDescriptorLimit <= 0 ? null
                : new Descriptors(fileDescriptorLimit, fileDescriptors.start(), fileDescriptors.oldestFirst(0));
        return new View(warnAt, fds, List.copyOf(destinations));
    }

    /** A history with no samples yet. */
    public static View empty(double warnAt) {
        return new View(warnAt, null, List.of());
    }

    /**
     * What the report shows.
     *
     * @param fileDescriptors null where the limit is not known, or before the first sample
     */
    public record View(double warnAt, Descriptors fileDescriptors, List<Destination> destinations) {
    }

    /** The open descriptors a second from {@code start}, and the latest limit. */
    public static final class Descriptors {
        private final long max;
        private final Instant start;
        private final int[] open;

        Descriptors(long max, Instant start, int[] open) {
            this.max = max;
            this.start = start;
            this.open = open;
        }

        public long max() {
            return max;
        }

        public Instant start() {
            return start;
        }

        public int samples() {
            return open.length;
        }

        public int open(int i) {
            return open[i];
        }
    }

    /** One destination's samples, a second each from {@code start}; its latest port capacity. */
    public static final class Destination {
        private final String remote;
        private final int capacity;
        private final int busiest;
        private final Instant start;
        private final int[] open;
        private final int[] timeWait;

        Destination(String remote, int capacity, int busiest, Instant start, int[] open, int[] timeWait) {
            this.remote = remote;
            this.capacity = capacity;
            this.busiest = busiest;
            this.start = start;
            this.open = open;
            this.timeWait = timeWait;
        }

        public String remote() {
            return remote;
        }

        public int portCapacity() {
            return capacity;
        }

        /** The highest ports in use over the window, by which destinations are ranked. */
        public int busiest() {
            return busiest;
        }

        public Instant start() {
            return start;
        }

        public int samples() {
            return open.length;
        }

        public int open(int i) {
            return open[i];
        }

        public int timeWait(int i) {
            return timeWait[i];
        }
    }
}
