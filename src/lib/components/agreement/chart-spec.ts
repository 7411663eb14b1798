// What a dashboard chart shows (ChartSpec) and how it becomes a chart.js configuration. Colours are CSS variable
// names (e.g. '--ok', '--chart-2') resolved against the page at draw time, so light and dark mode both work;
// threshold lines (e.g. alpha's 0.667 and 0.8) are drawn by a small plugin on the value axis.
import type { ChartConfiguration, Plugin, TooltipItem } from 'chart.js';

interface ChartSeries {
	label: string;
	values: (number | null)[];
	/** A CSS variable name, e.g. '--chart-1'. */
	color: string;
	/** Per-value colours (CSS variable names), e.g. a bar per band. */
	colors?: string[];
	hidden?: boolean;
}

interface ChartLine {
	value: number;
	label: string;
	color: string;
}

export interface ChartSpec {
	kind: 'bar' | 'line';
	/** Bars run left to right (category axis vertical). */
	horizontal?: boolean;
	stacked?: boolean;
	labels: string[];
	series: ChartSeries[];
	min?: number;
	max?: number;
	lines?: ChartLine[];
	legend?: boolean;
	format?: (value: number) => string;
	/** Extra tooltip line for a value (e.g. "21 items"). */
	detail?: (series: number, index: number) => string | null;
}

export type Resolve = (cssVar: string) => string;

/** Reads CSS variables from an element (falls back to the variable name's token when unset). */
export function resolver(el: Element): Resolve {
	const style = getComputedStyle(el);
	return (name) => style.getPropertyValue(name).trim() || '#888';
}

interface LinesOptions {
	lines: { value: number; label: string; color: string }[];
	horizontal: boolean;
	font: string;
}

/** Dashed reference lines across the plot at given values of the value axis, labelled at the end. */
const thresholdLines: Plugin<'bar' | 'line'> = {
	id: 'concordLines',
	afterDatasetsDraw(chart, _args, options) {
		const { lines, horizontal, font } = options as unknown as LinesOptions;
		if (!lines?.length) return;
		const scale = horizontal ? chart.scales.x : chart.scales.y;
		const area = chart.chartArea;
		const ctx = chart.ctx;
		ctx.save();
		ctx.setLineDash([5, 4]);
		ctx.lineWidth = 1.25;
		ctx.font = font;
		for (const line of lines) {
			const at = scale.getPixelForValue(line.value);
			if (
				!Number.isFinite(at) ||
				at < (horizontal ? area.left : area.top) - 1 ||
				at > (horizontal ? area.right : area.bottom) + 1
			)
				continue;
			ctx.strokeStyle = line.color;
			ctx.fillStyle = line.color;
			ctx.beginPath();
			if (horizontal) {
				ctx.moveTo(at, area.top);
				ctx.lineTo(at, area.bottom);
			} else {
				ctx.moveTo(area.left, at);
				ctx.lineTo(area.right, at);
			}
			ctx.stroke();
			if (horizontal) {
				ctx.textAlign = 'center';
				ctx.fillText(line.label, at, area.top - 4);
			} else {
				ctx.textAlign = 'left';
				ctx.fillText(line.label, area.left + 4, at - 4);
			}
		}
		ctx.restore();
	}
};

export function chartConfig(
	spec: ChartSpec,
	resolve: Resolve,
	reducedMotion: boolean
): ChartConfiguration<'bar' | 'line'> {
	const text = resolve('--text');
	const muted = resolve('--muted');
	const grid = resolve('--chart-grid');
	const surface = resolve('--surface');
	const border = resolve('--border');
	const format = spec.format ?? ((v: number) => String(v));
	const fontFamily = getComputedStyle(document.body).fontFamily;
	const valueAxis = spec.horizontal ? 'x' : 'y';
	const categoryAxis = spec.horizontal ? 'y' : 'x';
	const datasets = spec.series.map((s) => {
		const color = resolve(s.color);
		const each = s.colors?.map(resolve);
		return spec.kind === 'line'
			? {
					type: 'line' as const,
					label: s.label,
					data: s.values,
					borderColor: color,
					backgroundColor: color,
					pointBackgroundColor: surface,
					pointBorderColor: color,
					pointRadius: 3.5,
					pointHoverRadius: 5,
					borderWidth: 2.25,
					tension: 0.25,
					spanGaps: false,
					hidden: s.hidden
				}
			: {
					type: 'bar' as const,
					label: s.label,
					data: s.values,
					backgroundColor: each ?? color,
					borderColor: each ?? color,
					borderWidth: 0,
					borderRadius: 4,
					minBarLength: 3,
					maxBarThickness: spec.horizontal ? 22 : 36,
					hidden: s.hidden
				};
	});
	return {
		type: spec.kind,
		data: { labels: spec.labels, datasets },
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: reducedMotion ? false : { duration: 250 },
			indexAxis: categoryAxis,
			layout: { padding: { top: spec.lines?.length ? 16 : 4, right: 8 } },
			interaction: {
				mode: spec.kind === 'line' ? 'index' : 'nearest',
				intersect: spec.kind !== 'line',
				axis: categoryAxis
			},
			scales: {
				[valueAxis]: {
					min: spec.min,
					max: spec.max,
					stacked: spec.stacked,
					grid: { color: grid },
					border: { color: border },
					ticks: {
						color: muted,
						font: { family: fontFamily, size: 11 },
						callback: (v: string | number) => format(Number(v))
					}
				},
				[categoryAxis]: {
					stacked: spec.stacked,
					grid: { display: false },
					border: { color: border },
					ticks: { color: text, font: { family: fontFamily, size: 12 }, autoSkip: true, maxRotation: 0 }
				}
			},
			plugins: {
				legend: {
					display: spec.legend ?? spec.series.length > 1,
					position: 'bottom',
					labels: {
						color: text,
						usePointStyle: true,
						boxWidth: 8,
						boxHeight: 8,
						font: { family: fontFamily, size: 12 }
					}
				},
				tooltip: {
					backgroundColor: resolve('--surface'),
					titleColor: text,
					bodyColor: text,
					borderColor: border,
					borderWidth: 1,
					padding: 10,
					callbacks: {
						label: (item: TooltipItem<'bar' | 'line'>) => {
							const v = spec.horizontal ? item.parsed.x : item.parsed.y;
							if (v === null || v === undefined) return '';
							const detail = spec.detail?.(item.datasetIndex, item.dataIndex);
							return `${item.dataset.label}: ${format(v)}${detail ? ` · ${detail}` : ''}`;
						}
					}
				},
				concordLines: {
					lines: (spec.lines ?? []).map((l) => ({ ...l, color: resolve(l.color) })),
					horizontal: !!spec.horizontal,
					font: `600 11px ${fontFamily}`
				}
			} as never
		},
		plugins: [thresholdLines]
	};
}
