// Review records: `escalations` (JSONL, each with its verdict when resolved) and `guidelines` (every published
// guideline version as Markdown, oldest first, with its changelog and the escalations it resolved).
import { escalationsResolvedBy, iterateEscalations, iterateGuidelineVersions } from '../db/export-queries';
import { iso, json, line, type ExportContext } from './context';

export async function* escalationsJsonl(ctx: ExportContext): AsyncGenerator<string> {
	for await (const e of iterateEscalations(ctx.snap, ctx.projectId, ctx.filters)) {
		const scores = json<Record<string, unknown>>(e.verdict_scores);
		yield line({
			id: e.id,
			itemId: e.item_id,
			itemExternalId: e.item_external_id,
			source: e.source,
			reason: e.reason,
			note: e.note,
			dimension: e.dimension,
			state: e.state,
			openedBy: e.opened_by_name,
			claimedBy: e.claimed_by_name,
			createdAt: iso(e.created_at),
			claimedAt: iso(e.claimed_at),
			closedAt: iso(e.closed_at),
			verdict: scores
				? { scores, reasonCode: e.reason_code, note: e.verdict_note ?? '', guidelineVersionId: e.guideline_version_id }
				: null
		});
	}
}

export async function* guidelinesMarkdown(ctx: ExportContext): AsyncGenerator<string> {
	yield `# ${ctx.projectName} — guideline versions\n`;
	const resolvedBy = escalationsResolvedBy(ctx.snap);
	let count = 0;
	for await (const v of iterateGuidelineVersions(ctx.snap, ctx.projectId, ctx.filters)) {
		count++;
		const dims = json<string[]>(v.dimensions) ?? [];
		const meta = [
			`Published ${iso(v.published_at)}${v.published_by_name ? ` by ${v.published_by_name}` : ''}`,
			`version id \`${v.version_id}\``
		];
		if (dims.length) meta.push(`dimensions: ${dims.join(', ')}`);
		const resolved = await resolvedBy(v.version_id);
		if (resolved.length) meta.push(`resolves escalations: ${resolved.join(', ')}`);
		const changelog = v.changelog.trim() ? `**Changelog:** ${v.changelog.trim()}\n\n` : '';
		yield `\n---\n\n## ${v.title} — version ${v.number}\n\n_${meta.join(' · ')}_\n\n${changelog}${v.markdown.trim()}\n`;
	}
	if (!count) yield '\n_No guideline version has been published yet._\n';
}
