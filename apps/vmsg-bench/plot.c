/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * --plot FILE.svg: the percentile curves of every latency case (the median
 * run of each) in one picture, written by hand: x is the percentile on a
 * scale of nines (min, p50, p90, p99, p99.9, p99.99), y the latency in ns on
 * a log scale.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg.h>

#include "bench.h"

#ifndef VMSG_BENCH_BUILD_TYPE
#define VMSG_BENCH_BUILD_TYPE "unknown"
#endif

#define PLOT_W 1180.0
#define PLOT_X0 90.0  /* left edge of the plotting area */
#define PLOT_X1 740.0 /* right edge; the legend is to its right */
#define PLOT_Y0 84.0  /* top */
#define LEGEND_LINE 17.0

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
				       "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22" };
static const char *const dashes[] = { "", "7,3", "2,2", "9,3,2,3" };

/* Text for XML: the five characters that need it escaped. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* 1234 ns as "1.23 µs", 87.5 as "87.5 ns". */
static void fmt_ns(char *buf, size_t cap, double ns)
{
	if (ns >= 1e6)
		snprintf(buf, cap, "%.3g ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, cap, "%.3g \xc2\xb5s", ns / 1e3);
	else
		snprintf(buf, cap, "%.3g ns", ns);
}

static int is_plotted(const struct bench_case *c)
{
	return !bench_test_is_rate(c->test) && c->nruns > 0 && c->runs[c->median].ncurve > 1;
}

static void cpu_model(char *buf, size_t cap)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, cap, "unknown CPU");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *v = strchr(line, ':');

		if (v != NULL &&
		    (strncmp(line, "model name", 10) == 0 || strncmp(line, "Processor", 9) == 0)) {
			v += 1 + strspn(v + 1, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(buf, cap, "%s", v);
			break;
		}
	}
	fclose(f);
}

int bench_plot_write(const char *path, const struct bench_env *env, const struct bench_case *cases,
		     size_t n)
{
	const struct bench_cfg *cfg = env->cfg;
	double lo = INFINITY, hi = 0, xmax = 0, h, y1, ylo, yhi, d;
	char host[128], cpu[128], date[64], buf[64], name[96];
	size_t i, nser = 0, k;
	time_t now = time(NULL);
	struct tm tm;
	uint32_t p;
	FILE *f;
	int err;

	for (i = 0; i < n; i++) {
		const struct bench_run *r;

		if (!is_plotted(&cases[i]))
			continue;
		r = &cases[i].runs[cases[i].median];
		nser++;
		for (p = 0; p < r->ncurve; p++) {
			if (r->curve[p] > 0 && r->curve[p] < lo)
				lo = r->curve[p];
			if (r->curve[p] > hi)
				hi = r->curve[p];
		}
		if (r->curve_x_max > xmax)
			xmax = r->curve_x_max;
	}
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "vmsg-bench: --plot %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (nser == 0 || !(hi > 0)) {
		lo = 100;
		hi = 1000;
		xmax = 4;
	}
	if (xmax < 1)
		xmax = 1;
	/* Whole decades, at least one. */
	ylo = floor(log10(lo));
	yhi = ceil(log10(hi));
	if (yhi <= ylo)
		yhi = ylo + 1;
	h = PLOT_Y0 + 100 + (double)nser * LEGEND_LINE;
	if (h < 640)
		h = 640;
	y1 = h - 96; /* bottom of the plotting area */

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M %Z", &tm);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	cpu_model(cpu, sizeof(cpu));

#define X(v) (PLOT_X0 + (PLOT_X1 - PLOT_X0) * (v) / xmax)
#define Y(ns) (y1 - (y1 - PLOT_Y0) * (log10(ns) - ylo) / (yhi - ylo))
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
		PLOT_W, h, PLOT_W, h);
	fprintf(f, "<title>vmsg-bench latency distributions</title>\n");
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f,
		"<text x=\"%.0f\" y=\"28\" font-size=\"17\" font-weight=\"bold\">vmsg-bench: "
		"latency distributions (percentile curves, the median run of each case)</text>\n",
		PLOT_X0);
	fprintf(f, "<text x=\"%.0f\" y=\"50\" fill=\"#444\">", PLOT_X0);
	xml_text(f, host);
	fputs(", ", f);
	xml_text(f, cpu);
	fprintf(f, ", CPUs %d,%d (%s), ", cfg->cpu[0], cfg->cpu[1],
		cfg->procs ? "processes" : "threads");
	xml_text(f, env->mem_kind);
	fprintf(f, ", spin %s, %s, librte_vmsg %s (%s)</text>\n",
		bench_spin_pause ? "pause" : "tight", date, rte_vmsg_version(),
		VMSG_BENCH_BUILD_TYPE);
	fprintf(f,
		"<text x=\"%.0f\" y=\"68\" fill=\"#444\">Lower is faster. A flat curve is a "
		"steady latency; its right end is the rare slow round trips.</text>\n",
		PLOT_X0);

	/* Grid and y ticks: 1, 2 and 5 of each decade. */
	fputs("<g class=\"grid\" stroke=\"#ddd\" stroke-width=\"1\">\n", f);
	for (d = ylo; d < yhi + 0.5; d += 1)
		for (k = 0; k < 3; k++) {
			double v = pow(10, d) * (k == 0 ? 1 : k == 1 ? 2 : 5);

			if (log10(v) > yhi + 1e-9)
				break;
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"%s/>\n",
				PLOT_X0, Y(v), PLOT_X1, Y(v), k == 0 ? " stroke=\"#bbb\"" : "");
		}
	fputs("</g>\n<g class=\"yticks\" text-anchor=\"end\">\n", f);
	for (d = ylo; d < yhi + 0.5; d += 1)
		for (k = 0; k < 3; k++) {
			double v = pow(10, d) * (k == 0 ? 1 : k == 1 ? 2 : 5);

			if (log10(v) > yhi + 1e-9)
				break;
			fmt_ns(buf, sizeof(buf), v);
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", PLOT_X0 - 6, Y(v) + 4,
				buf);
		}
	fputs("</g>\n", f);
	/* x ticks: the nines. */
	{
		static const struct {
			double x;
			const char *label;
		} xt[] = { { 0, "min" }, { 0.30103, "p50" }, { 1, "p90" },
			   { 2, "p99" }, { 3, "p99.9" },     { 4, "p99.99" } };

		fputs("<g class=\"xticks\" text-anchor=\"middle\">\n", f);
		for (k = 0; k < sizeof(xt) / sizeof(xt[0]); k++) {
			if (xt[k].x > xmax + 1e-9)
				break;
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"#ddd\"/>\n",
				X(xt[k].x), PLOT_Y0, X(xt[k].x), y1);
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", X(xt[k].x), y1 + 18,
				xt[k].label);
		}
		fputs("</g>\n", f);
	}
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		"stroke=\"#333\"/>\n",
		PLOT_X0, PLOT_Y0, PLOT_X1 - PLOT_X0, y1 - PLOT_Y0);
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">percentile (scale of nines: "
		"each step to the right is ten times rarer)</text>\n",
		(PLOT_X0 + PLOT_X1) / 2, y1 + 40);
	fprintf(f,
		"<text transform=\"translate(22 %.1f) rotate(-90)\" text-anchor=\"middle\">"
		"latency, round trip (log scale)</text>\n",
		(PLOT_Y0 + y1) / 2);
	if (nser == 0)
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no latency case "
			"in this run</text>\n",
			(PLOT_X0 + PLOT_X1) / 2, (PLOT_Y0 + y1) / 2);

	/* One series per latency case, and its legend line. */
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">case (p50, p99)</text>\n",
		PLOT_X1 + 20, PLOT_Y0 + 4);
	for (i = 0, k = 0; i < n; i++) {
		const struct bench_case *c = &cases[i];
		const struct bench_run *r;
		const char *color, *dash;
		double ly = PLOT_Y0 + 24 + (double)k * LEGEND_LINE, w;
		char p99[32];

		if (!is_plotted(c))
			continue;
		r = &c->runs[c->median];
		bench_case_name(c, name, sizeof(name));
		/* The limit is the floor everything else is read against: black and thick. */
		if (c->mode == BENCH_LIMIT) {
			color = "#000";
			dash = c->walk ? "6,3" : ""; /* the walk: the stamped ring's floor */
			w = 3;
		} else {
			color = palette[k % (sizeof(palette) / sizeof(palette[0]))];
			dash = dashes[(k / (sizeof(palette) / sizeof(palette[0]))) %
				      (sizeof(dashes) / sizeof(dashes[0]))];
			w = 1.8;
		}
		fputs("<g class=\"series\" data-name=\"", f);
		xml_text(f, name);
		fprintf(f,
			"\">\n<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s%s%s "
			"points=\"",
			color, w, dash[0] ? " stroke-dasharray=\"" : "", dash, dash[0] ? "\"" : "");
		for (p = 0; p < r->ncurve; p++) {
			double v = r->curve[p] > 0 ? r->curve[p] : pow(10, ylo);

			fprintf(f, "%s%.1f,%.1f", p ? " " : "",
				X(r->curve_x_max * p / (r->ncurve - 1)), Y(v));
		}
		fputs("\"/>\n", f);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"%.1f\"%s%s%s/>\n",
			PLOT_X1 + 20, ly - 4, PLOT_X1 + 50, ly - 4, color, w,
			dash[0] ? " stroke-dasharray=\"" : "", dash, dash[0] ? "\"" : "");
		fmt_ns(buf, sizeof(buf), r->p50_ns);
		fmt_ns(p99, sizeof(p99), r->p99_ns);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", PLOT_X1 + 56, ly);
		xml_text(f, name);
		fprintf(f, " (%s, %s)</text>\n</g>\n", buf, p99);
		k++;
	}
#undef X
#undef Y
	fputs("</svg>\n", f);
	err = ferror(f);
	if (fclose(f) != 0 || err) {
		fprintf(stderr, "vmsg-bench: --plot %s: write failed\n", path);
		return -1;
	}
	return 0;
}
