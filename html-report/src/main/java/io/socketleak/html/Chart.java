package io.socketleak.html;

import java.time.Instant;
import java.util.List;

/**
 * An SVG chart of something in use over time against its limit: series stacked as areas, the
 * capacity and the warning line drawn and labelled, a time axis in UTC. When the use is far below
 * the warning line, the y axis is zoomed so that it shows, and broken: both lines are then drawn
 * above the break, not to scale, and the chart says so.
 */
final class Chart {
    static final int WIDTH = 820;
    static final int HEIGHT = 270;
    static final int LEFT = 64;
    static final int RIGHT = 176;
    static final int TOP = 16;
    static final int BOTTOM = 40;
    /** Above the break of a zoomed axis: where the lines that are off the scale are drawn. */
    static final int BAND = 44;
    /** Samples past this are left out (a report has 900 at most): the page stays bounded. */
    static final int MAX_SAMPLES = 10_000;
    /** Larger counts than any real one (and NaN, negatives) are drawn as 0, so the axis stays finite. */
    static final double LARGEST = 1e12;
    /** Use below this share of the warning line (with 20 % headroom) zooms the axis. */
    static final double ZOOM_BELOW = 0.25;

    /** One stacked series, bottom first; {@code name} is also its CSS class suffix. */
    @SuppressWarnings("ArrayRecordComponent") // the samples, only read, by this chart alone
    record Series(String name, String label, double[] values) {
    }

    private Chart() {
    }

    /**
     * The chart. {@code start} is the first sample's time (null when unknown: the axis is then in
     * seconds from the first), one sample every {@code stepSeconds}.
     */
    static String render(String label, Instant start, double stepSeconds, List<Series> series, double capacity,
                         double warning, String unit) {
        int n = series.isEmpty() ? 0 : series.get(0).values().length;
        for (Series s : series) {
            n = Math.min(n, s.values().length);
        }
        n = Math.min(n, MAX_SAMPLES);
        double step = stepSeconds >= 0.001 && stepSeconds <= 86_400 ? stepSeconds : 1;
        capacity = sane(capacity);
        warning = sane(warning);
        double[][] stacked = new double[series.size()][n];
        double peak = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < series.size(); k++) {
                sum += sane(series.get(k).values()[i]);
                stacked[k][i] = sum;
            }
            peak = Math.max(peak, sum);
        }
        boolean zoomed = capacity > 0 && peak * 1.2 < warning * ZOOM_BELOW;
        double yMax;
        if (zoomed) {
            yMax = niceTop(Math.max(peak * 1.2, 4));
        } else {
            yMax = niceTop(Math.max(Math.max(capacity, peak), 1));
        }
        int plotTop = TOP + (zoomed ? BAND : 0);
        int plotBottom = HEIGHT - BOTTOM;
        int plotRight = WIDTH - RIGHT;
        double plotHeight = plotBottom - plotTop;
        double plotWidth = plotRight - LEFT;

        StringBuilder svg = new StringBuilder(2048 + n * 40 * Math.max(1, series.size()));
        svg.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(Format.html(label))
                .append("\" data-scale=\"").append(zoomed ? "zoomed" : "full")
                .append("\" data-samples=\"").append(n)
                .append("\" data-y-max=\"").append(Format.coordinate(yMax))
                .append("\" data-plot-top=\"").append(plotTop)
                .append("\" data-plot-bottom=\"").append(plotBottom)
                .append("\" data-plot-left=\"").append(LEFT)
                .append("\" data-plot-right=\"").append(plotRight)
                .append("\" data-start=\"").append(start == null ? "" : start.getEpochSecond())
                .append("\" data-step=\"").append(Format.coordinate(step))
                .append("\" data-unit=\"").append(Format.html(unit)).append("\">");
        svg.append("<title>").append(Format.html(label)).append("</title>");

        // The y axis: grid lines and their numbers.
        double tick = niceStep(yMax / 4);
        for (double v = 0; v <= yMax + tick / 1000; v += tick) {
            double y = plotBottom - v / yMax * plotHeight;
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(plotRight)
                    .append("\" y1=\"").append(Format.coordinate(y)).append("\" y2=\"").append(Format.coordinate(y))
                    .append("\"/><text class=\"tick y\" x=\"").append(LEFT - 8).append("\" y=\"")
                    .append(Format.coordinate(y + 4)).append("\">").append(Format.count(Math.round(v)))
                    .append("</text>");
        }
        svg.append("<text class=\"axis-label\" x=\"14\" y=\"").append(Format.coordinate(plotTop + plotHeight / 2))
                .append("\" transform=\"rotate(-90 14 ").append(Format.coordinate(plotTop + plotHeight / 2))
                .append(")\">").append(Format.html(unit)).append("</text>");

        // The time axis.
        timeAxis(svg, start, step, n, plotBottom, plotWidth);

        // The series: an area each, stacked, and its top edge, one point per sample.
        for (int k = series.size() - 1; k >= 0; k--) {
            if (n == 0) {
                break;
            }
            StringBuilder top = new StringBuilder(n * 14);
            for (int i = 0; i < n; i++) {
                top.append(i == 0 ? "" : " ").append(Format.coordinate(x(i, n, plotWidth))).append(',')
                        .append(Format.coordinate(plotBottom - stacked[k][i] / yMax * plotHeight));
            }
            StringBuilder bottom = new StringBuilder(n * 14);
            for (int i = n - 1; i >= 0; i--) {
                double base = k == 0 ? 0 : stacked[k - 1][i];
                bottom.append(' ').append(Format.coordinate(x(i, n, plotWidth))).append(',')
                        .append(Format.coordinate(plotBottom - base / yMax * plotHeight));
            }
            String name = Format.html(series.get(k).name());
            svg.append("<polygon class=\"area area-").append(name).append("\" points=\"").append(top).append(bottom)
                    .append("\"/>");
            svg.append("<polyline class=\"edge edge-").append(name).append("\" data-series=\"").append(name)
                    .append("\" data-label=\"").append(Format.html(series.get(k).label()))
                    .append("\" data-values=\"").append(values(series.get(k).values(), n))
                    .append("\" points=\"").append(top).append("\"/>");
            if (n == 1) {
                svg.append("<circle class=\"dot edge-").append(name).append("\" cx=\"")
                        .append(Format.coordinate(x(0, n, plotWidth))).append("\" cy=\"")
                        .append(Format.coordinate(plotBottom - stacked[k][0] / yMax * plotHeight))
                        .append("\" r=\"3\"/>");
            }
        }
        if (n == 0) {
            svg.append("<text class=\"empty\" x=\"").append(Format.coordinate(LEFT + plotWidth / 2)).append("\" y=\"")
                    .append(Format.coordinate(plotTop + plotHeight / 2)).append("\">no samples yet</text>");
        }
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(plotRight).append("\" y1=\"")
                .append(plotBottom).append("\" y2=\"").append(plotBottom).append("\"/>");

        // The limits: at their own height, or above the break.
        if (capacity > 0) {
            double capacityY = zoomed ? TOP + 8 : plotBottom - capacity / yMax * plotHeight;
            double warningY = zoomed ? TOP + 26 : plotBottom - warning / yMax * plotHeight;
            limit(svg, "capacity", capacityY, plotRight, capacity, "capacity " + Format.count((long) capacity),
                    -5);
            limit(svg, "warning", warningY, plotRight, warning, "warning " + Format.count((long) warning)
                    + " (" + Format.percent(warning / capacity) + ")", 13);
            if (zoomed) {
                double breakY = plotTop - 8;
                svg.append("<path class=\"break\" d=\"M").append(LEFT - 7).append(',').append(Format.coordinate(breakY + 3))
                        .append(" l14,-6 M").append(LEFT - 7).append(',').append(Format.coordinate(breakY + 8))
                        .append(" l14,-6\"/>");
                svg.append("<text class=\"note\" x=\"").append(LEFT + 6).append("\" y=\"").append(plotTop + 14)
                        .append("\">y axis zoomed to 0\u2013").append(Format.count((long) yMax))
                        .append(": use is far below the warning line (the limits, above the break, are not to scale)</text>");
            }
        }
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"")
                .append(plotTop).append("\" y2=\"").append(plotBottom).append("\"/>");
        svg.append("<g class=\"cursor\"></g>");
        return svg.append("</svg>").toString();
    }

    private static void limit(StringBuilder svg, String name, double y, int plotRight, double value, String text,
                              int labelOffset) {
        svg.append("<line class=\"limit limit-").append(name).append("\" data-value=\"").append(Format.coordinate(value))
                .append("\" x1=\"").append(LEFT).append("\" x2=\"").append(plotRight).append("\" y1=\"")
                .append(Format.coordinate(y)).append("\" y2=\"").append(Format.coordinate(y)).append("\"/>");
        svg.append("<text class=\"limit-label limit-").append(name).append("\" x=\"").append(plotRight + 6)
                .append("\" y=\"").append(Format.coordinate(y + (labelOffset > 0 ? 4 : 0) + labelOffset / 2.0))
                .append("\">").append(Format.html(text)).append("</text>");
    }

    private static void timeAxis(StringBuilder svg, Instant start, double step, int n, int plotBottom,
                                 double plotWidth) {
        if (n == 0) {
            return;
        }
        double span = (n - 1) * step;
        long interval = 1;
        for (long candidate : new long[] {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200}) {
            interval = candidate;
            if (span / candidate <= 6) {
                break;
            }
        }
        if (span / interval > 6) {
            interval = (long) Math.ceil(span / 6 / 3600) * 3600;
        }
        long first = start == null ? 0 : start.getEpochSecond();
        long tick = (first + interval - 1) / interval * interval;
        if (n == 1) {
            tick = first;
        }
        for (; tick <= first + span + 1e-9; tick += interval) {
            double offset = tick - first;
            double x = n == 1 ? LEFT + plotWidth / 2 : LEFT + offset / span * plotWidth;
            String text = start == null ? Format.duration(offset).replace(" ", "\u00a0")
                    : interval >= 60 ? Format.clock(Instant.ofEpochSecond(tick)).substring(0, 5)
                    : Format.clock(Instant.ofEpochSecond(tick));
            svg.append("<line class=\"tick-mark\" x1=\"").append(Format.coordinate(x)).append("\" x2=\"")
                    .append(Format.coordinate(x)).append("\" y1=\"").append(plotBottom).append("\" y2=\"")
                    .append(plotBottom + 5).append("\"/><text class=\"tick x\" x=\"").append(Format.coordinate(x))
                    .append("\" y=\"").append(plotBottom + 18).append("\">").append(Format.html(text)).append("</text>");
            if (n == 1) {
                break;
            }
        }
        svg.append("<text class=\"axis-label x\" x=\"").append(Format.coordinate(LEFT + plotWidth / 2)).append("\" y=\"")
                .append(plotBottom + 34).append("\">").append(start == null ? "time since the first sample" : "time (UTC)")
                .append(", one sample every ").append(Format.html(Format.duration(step))).append("</text>");
    }

    private static double sane(double value) {
        return value > 0 && value <= LARGEST ? value : 0;
    }

    private static double x(int i, int n, double plotWidth) {
        return n == 1 ? LEFT + plotWidth / 2 : LEFT + i * plotWidth / (n - 1);
    }

    private static String values(double[] values, int n) {
        StringBuilder out = new StringBuilder(n * 4);
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append(Format.coordinate(sane(values[i])));
        }
        return out.toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        if (rough <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough - 1e-9) {
                return Math.max(1, m * power);
            }
        }
        return Math.max(1, 10 * power);
    }

    /** The top of the y axis: the value rounded up to a whole tick (four ticks or so). */
    static double niceTop(double value) {
        double tick = niceStep(value / 4);
        return Math.ceil(value / tick - 1e-9) * tick;
    }
}
