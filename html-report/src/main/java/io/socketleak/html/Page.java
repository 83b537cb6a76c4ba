package io.socketleak.html;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What every page carries inline: its styles, its two scripts, and a content security policy that
 * lets the page fetch nothing and run no script but these two (by their hashes), so that even a
 * string that escaped escaping could not run.
 */
final class Page {
    /** Installed first: records script errors and anything the policy refused, for people and tests. */
    static final String WATCH_SCRIPT = """
            window.onerror = function (message, source, line) {
              var root = document.documentElement;
              root.setAttribute('data-errors', (root.getAttribute('data-errors') || '') + message + ' (line ' + line + '); ');
            };
            document.addEventListener('securitypolicyviolation', function (event) {
              var root = document.documentElement;
              root.setAttribute('data-blocked', (root.getAttribute('data-blocked') || '')
                  + event.violatedDirective + ' ' + event.blockedURI + '; ');
            });
            """;

    /** Sorting by a column header, a cursor over the charts; the page reads the same without. */
    static final String SCRIPT = """
            (function () {
              'use strict';
              var NS = 'http://www.w3.org/2000/svg';
              function each(list, action) { Array.prototype.forEach.call(list, action); }

              function sortBy(th) {
                var table = th.closest('table');
                var body = table.tBodies[0];
                var column = Array.prototype.indexOf.call(th.parentNode.children, th);
                var numeric = th.getAttribute('data-sort') === 'number';
                var now = th.getAttribute('aria-sort');
                var order = now ? (now === 'ascending' ? 'descending' : 'ascending') : (numeric ? 'descending' : 'ascending');
                each(th.parentNode.children, function (other) { other.removeAttribute('aria-sort'); });
                th.setAttribute('aria-sort', order);
                function key(row) {
                  var cell = row.cells[column];
                  if (!cell) { return numeric ? -Infinity : ''; }
                  var value = cell.getAttribute('data-value');
                  if (numeric) {
                    var n = parseFloat(value !== null ? value : cell.textContent.replace(/[^0-9.-]/g, ''));
                    return isNaN(n) ? -Infinity : n;
                  }
                  return (value !== null ? value : cell.textContent).trim().toLowerCase();
                }
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var ka = key(a), kb = key(b);
                  var c = ka < kb ? -1 : (ka > kb ? 1 : 0);
                  return order === 'ascending' ? c : -c;
                });
                each(rows, function (row) { body.appendChild(row); });
              }
              each(document.querySelectorAll('table.sortable th[data-sort]'), function (th) {
                th.tabIndex = 0;
                th.title = 'Sort by this column';
                th.addEventListener('click', function () { sortBy(th); });
                th.addEventListener('keydown', function (event) {
                  if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(th); }
                });
              });

              each(document.querySelectorAll('svg.chart'), function (svg) {
                var n = Number(svg.getAttribute('data-samples'));
                if (!n) { return; }
                var left = Number(svg.getAttribute('data-plot-left'));
                var right = Number(svg.getAttribute('data-plot-right'));
                var top = Number(svg.getAttribute('data-plot-top'));
                var bottom = Number(svg.getAttribute('data-plot-bottom'));
                var start = svg.getAttribute('data-start');
                var step = Number(svg.getAttribute('data-step'));
                var cursor = svg.querySelector('g.cursor');
                var series = [];
                each(svg.querySelectorAll('polyline[data-series]'), function (line) {
                  series.unshift({ label: line.getAttribute('data-label'), values: line.getAttribute('data-values').split(',') });
                });
                function clear() { while (cursor.firstChild) { cursor.removeChild(cursor.firstChild); } }
                function element(name, attributes) {
                  var e = document.createElementNS(NS, name);
                  Object.keys(attributes).forEach(function (a) { e.setAttribute(a, attributes[a]); });
                  return cursor.appendChild(e);
                }
                svg.addEventListener('mousemove', function (event) {
                  var box = svg.getBoundingClientRect();
                  var x = (event.clientX - box.left) / box.width * svg.viewBox.baseVal.width;
                  clear();
                  if (x < left - 4 || x > right + 4) { return; }
                  var i = n === 1 ? 0 : Math.max(0, Math.min(n - 1, Math.round((x - left) / (right - left) * (n - 1))));
                  var cx = n === 1 ? (left + right) / 2 : left + i * (right - left) / (n - 1);
                  var when = start ? new Date((Number(start) + i * step) * 1000).toISOString().substring(11, 19) + ' UTC'
                                   : Math.round(i * step) + ' s';
                  element('line', { x1: cx, x2: cx, y1: top, y2: bottom, 'class': 'cursor-line' });
                  var text = element('text', { x: cx > (left + right) / 2 ? cx - 8 : cx + 8, y: top + 14, 'class': 'cursor-text',
                                               'text-anchor': cx > (left + right) / 2 ? 'end' : 'start' });
                  text.textContent = when + ': ' + series.map(function (s) { return s.label + ' ' + s.values[i]; }).join(', ');
                });
                svg.addEventListener('mouseleave', clear);
              });

              var root = document.documentElement;
              root.setAttribute('data-resources', String(performance.getEntriesByType('resource').length));
              root.setAttribute('data-ready', 'true');
            })();
            """;

    static final String STYLE = """
            :root { --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; --bg: #ffffff;
              --good: #1a7f37; --good-bg: #dafbe1; --good-line: #aceebb;
              --bad: #cf222e; --bad-bg: #ffebe9; --bad-line: #ffcecb;
              --warn: #9a6700; --warn-bg: #fff8c5; --warn-line: #eed888; --warning: #d1570d;
              --open: #2f6fdb; --tw: #e3a008; --fd: #8250df;
              --active: #2f6fdb; --passive: #2da44e; --abortive: #bf3989; --collected: #cf222e; --closewait: #fb8500;
              --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; }
            * { box-sizing: border-box; }
            body { margin: 0; color: var(--fg); background: var(--bg);
              font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
            main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 64px; }
            h1 { font-size: 26px; margin: 0; letter-spacing: -0.01em; }
            h2 { font-size: 21px; margin: 44px 0 4px; padding-top: 20px; border-top: 3px solid var(--fg); }
            h3 { font-size: 17px; margin: 34px 0 10px; padding-bottom: 5px; border-bottom: 1px solid var(--line); }
            .sub, .muted { color: var(--muted); }
            .sub { margin: 2px 0 0; }
            p { margin: 6px 0; }
            a { color: #0969da; text-decoration: none; }
            a:hover { text-decoration: underline; }
            code, .mono { font-family: var(--mono); font-size: 13px; }
            nav.toc { margin: 10px 0 0; font-size: 13px; }
            nav.toc a { margin-right: 14px; white-space: nowrap; }
            .verdict { border: 1px solid; border-radius: 10px; padding: 18px 22px; margin: 18px 0 8px; }
            .verdict.good { background: var(--good-bg); border-color: var(--good-line); }
            .verdict.bad { background: var(--bad-bg); border-color: var(--bad-line); }
            .verdict.warn { background: var(--warn-bg); border-color: var(--warn-line); }
            .verdict .headline { font-size: 23px; font-weight: 650; margin: 0; display: flex; align-items: center; gap: 10px; }
            .verdict.good .headline { color: var(--good); }
            .verdict.bad .headline { color: var(--bad); }
            .verdict.warn .headline { color: var(--warn); }
            .verdict .headline .mark { display: inline-flex; width: 28px; height: 28px; border-radius: 50%; color: #fff;
              align-items: center; justify-content: center; font-size: 17px; flex: none; }
            .verdict.good .mark { background: var(--good); }
            .verdict.bad .mark { background: var(--bad); }
            .verdict.warn .mark { background: var(--warn); }
            .verdict ul.findings { margin: 8px 0 0; padding-left: 20px; }
            .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin-top: 14px; }
            .stat { background: rgba(255, 255, 255, 0.7); border-radius: 8px; padding: 8px 12px; }
            .stat b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
            .stat span { font-size: 12px; color: var(--muted); }
            .table-wrap { overflow-x: auto; }
            table { border-collapse: collapse; width: 100%; font-size: 14px; }
            th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
            th { background: var(--soft); font-weight: 600; white-space: nowrap; font-size: 13px; }
            tbody tr:hover { background: #fafbfc; }
            .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            th[data-sort] { cursor: pointer; user-select: none; }
            th[data-sort]:hover { background: #eef1f4; }
            th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 10px; }
            th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 10px; }
            td.site { min-width: 300px; }
            td.nowrap { white-space: nowrap; }
            td code { overflow-wrap: anywhere; }
            td.site .remotes { font-size: 12px; color: var(--muted); }
            details > summary { cursor: pointer; }
            td details > summary { font-size: 12px; color: var(--muted); }
            ol.frames { font-family: var(--mono); font-size: 12.5px; margin: 6px 0 0; padding: 8px 12px 8px 44px;
              background: var(--soft); border-radius: 6px; overflow-x: auto; }
            ol.frames li { white-space: pre; }
            ol.frames li.blame { font-weight: 700; color: var(--bad); }
            details.leak { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px; margin: 10px 0; }
            details.leak > summary { padding: 10px 14px; list-style-position: outside; margin-left: 18px; }
            details.leak > .body { padding: 0 14px 12px 14px; }
            details.leak .where { font-size: 13px; color: var(--muted); display: block; margin-top: 2px; }
            .blame-line { font-family: var(--mono); font-size: 14px; font-weight: 600; word-break: break-all; }
            .badge { display: inline-block; border-radius: 999px; padding: 0 9px; font-size: 12px; font-weight: 600;
              line-height: 20px; background: var(--bad-bg); color: var(--bad); border: 1px solid var(--bad-line); margin-right: 6px; }
            .badge.good { background: var(--good-bg); color: var(--good); border-color: var(--good-line); }
            .badge.warn { background: var(--warn-bg); color: var(--warn); border-color: var(--warn-line); }
            .bar { display: inline-flex; width: 90px; height: 10px; border-radius: 3px; overflow: hidden; background: #eaeef2;
              vertical-align: middle; }
            .bar span { display: block; height: 100%; }
            .k-active { background: var(--active); } .k-passive { background: var(--passive); }
            .k-abortive { background: var(--abortive); } .k-collected { background: var(--collected); }
            .k-closeWait { background: var(--closewait); } .k-use { background: var(--open); } .k-use.over { background: var(--bad); }
            .key { font-size: 12px; color: var(--muted); margin: 6px 0; }
            .key span { margin-right: 12px; white-space: nowrap; }
            .key i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
            figure.chart-box { margin: 12px 0 22px; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px 8px; }
            figure.chart-box figcaption { font-weight: 600; margin-bottom: 4px; }
            figure.chart-box figcaption .muted { font-weight: 400; font-size: 13px; }
            svg.chart { width: 100%; max-width: 820px; height: auto; display: block; font-family: inherit; }
            svg.chart .grid { stroke: #eaeef2; stroke-width: 1; }
            svg.chart .axis { stroke: #8c959f; stroke-width: 1; }
            svg.chart .tick-mark { stroke: #8c959f; }
            svg.chart .tick, svg.chart .axis-label { font-size: 11px; fill: var(--muted); }
            svg.chart .tick.y { text-anchor: end; }
            svg.chart .tick.x, svg.chart .axis-label, svg.chart .empty { text-anchor: middle; }
            svg.chart .empty { fill: var(--muted); font-size: 13px; }
            svg.chart .area { stroke: none; fill-opacity: 0.32; }
            svg.chart .edge { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
            svg.chart .area-open { fill: var(--open); } svg.chart .edge-open { stroke: var(--open); fill: none; }
            svg.chart .area-timeWait { fill: var(--tw); } svg.chart .edge-timeWait { stroke: var(--tw); fill: none; }
            svg.chart .area-descriptors { fill: var(--fd); } svg.chart .edge-descriptors { stroke: var(--fd); fill: none; }
            svg.chart circle.dot { fill: currentColor; }
            svg.chart line.limit { stroke-width: 1.6; }
            svg.chart line.limit-capacity { stroke: var(--bad); }
            svg.chart line.limit-warning { stroke: var(--warning); stroke-dasharray: 6 4; }
            svg.chart text.limit-label { font-size: 12px; font-weight: 600; }
            svg.chart text.limit-capacity { fill: var(--bad); }
            svg.chart text.limit-warning { fill: var(--warning); }
            svg.chart .break { stroke: #8c959f; stroke-width: 1.4; fill: none; }
            svg.chart .note { font-size: 11px; fill: var(--muted); font-style: italic; }
            svg.chart .cursor-line { stroke: #57606a; stroke-dasharray: 2 3; }
            svg.chart .cursor-text { font-size: 12px; fill: var(--fg); paint-order: stroke; stroke: #fff; stroke-width: 4px; }
            .sw-open { background: var(--open); } .sw-timeWait { background: var(--tw); } .sw-descriptors { background: var(--fd); }
            .sw-capacity { background: var(--bad); height: 3px !important; } .sw-warning { background: var(--warning); height: 3px !important; }
            dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 4px 28px; margin: 0; }
            dl.settings dt { color: var(--muted); }
            dl.settings dd { margin: 0; font-variant-numeric: tabular-nums; }
            ul.advice li { margin: 4px 0; }
            footer { margin-top: 56px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
            @media print { h2 { break-before: page; } details { display: block; } }
            """;

    /** The page's content security policy: no fetch of any kind, no script but the page's own two. */
    static final String POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src "
            + hash(WATCH_SCRIPT) + ' ' + hash(SCRIPT) + "; base-uri 'none'; form-action 'none'";

    private Page() {
    }

    private static String hash(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
